-- List churn: translation of list_churn.star (0-based indices shifted to Lua's 1-based
-- tables; slices and sorted() written as loops over table copies).

local function main()
  local total = 0
  for r = 0, 2000 - 1 do
    local xs = {}
    for i = 0, 1000 - 1 do
      xs[#xs + 1] = (i * 7919 + r) % 1009
    end
    local ys = table.move(xs, 1, #xs, 1, {})
    table.sort(ys)
    local first = 0
    for j = 1, #xs do
      if xs[j] == ys[1] then first = j - 1; break end
    end
    total = total + ys[501] + first + ys[#ys]
    local zs = {}
    for j = 101, 900, 3 do zs[#zs + 1] = xs[j] end
    local back = 0
    for j = #xs, 1, -7 do back = back + 1 end
    total = total + #zs + zs[#zs] + back
    for _ = 1, 100 do
      total = total + table.remove(xs)
    end
    table.insert(xs, 1, r)
    table.insert(xs, #xs // 2 + 1, r + 1)
    for j = 1, #xs do
      if xs[j] == r + 1 then table.remove(xs, j); break end
    end
    table.move(zs, 1, #zs, #xs + 1, xs)
    total = total + #xs + xs[r % 1000 + 1] + table.remove(xs, 1)
    local rs = table.move(zs, 1, #zs, 1, {})
    table.sort(rs, function(a, b) return a > b end)
    total = total + rs[1] - rs[#rs]
  end
  print(total)
end

main()
