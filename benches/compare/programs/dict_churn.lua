-- Dict churn: translation of dict_churn.star (a table with a key counter for len).

local function main()
  local total = 0
  local d = {}
  for i = 0, 150000 - 1 do
    d[i * 7 % 100003] = i
  end
  for i = 0, 150000 - 1 do
    total = total + (d[i] or 0) % 1000
  end
  for i = 0, 150000 - 1, 2 do
    d[i * 7 % 100003] = nil
  end
  local n = 0
  for k, _ in pairs(d) do
    n = n + 1
    total = total + k % 10
  end
  total = total + n
  local names = {}
  for i = 0, 100000 - 1 do
    local k = "key" .. tostring(i % 1000)
    names[k] = (names[k] or 0) + i
    if names[k] ~= nil and i % 7 == 0 then
      total = total + 1
    end
  end
  for _, v in pairs(names) do
    total = total + v % 1000
  end
  print(total)
end

main()
