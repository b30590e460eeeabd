-- Integer arithmetic in a counted loop: translation of int_loop.star.

local function main()
  local total = 0
  local x = 12345
  for i = 0, 2000000 - 1 do
    x = (x * 1103 + 12345) % 65536
    if i % 3 == 0 then
      total = total + x * 2
    elseif x > 30000 then
      total = total - i // 7
    else
      total = total + (x - i % 11)
    end
    total = total % 2000000007
  end
  print(total)
end

main()
