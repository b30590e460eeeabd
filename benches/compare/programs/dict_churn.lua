-- Dict churn: translation of dict_churn.star (tables; len counted by traversal).

local function main()
  local total = 0
  local d = {}
  for i = 0, 300000 - 1 do
    d[i * 7 % 300007] = i
  end
  for i = 0, 300000 - 1 do
    total = total + (d[i] or 0) % 1000
    if d[i * 3] ~= nil then
      total = total + 1
    end
  end
  local e = {}
  for i = 0, 20000 - 1 do
    e[string.format("k%d", i)] = i
  end
  for i = 0, 20000 - 1, 2 do
    local k = string.format("k%d", i)
    total = total + e[k]
    e[k] = nil
  end
  for _, v in pairs(e) do
    total = total + 1 + v % 10
  end
  local window = {}
  local n = 0
  for i = 0, 300000 - 1 do
    window[i] = i
    n = n + 1
    if i >= 500 then
      total = total + window[i - 500]
      window[i - 500] = nil
      n = n - 1
    end
  end
  total = total + n
  local names = {}
  for i = 0, 300000 - 1 do
    local k = "key" .. tostring(i % 1000)
    names[k] = (names[k] or 0) + i
  end
  for _, v in pairs(names) do
    total = total + v % 1000
  end
  print(total)
end

main()
