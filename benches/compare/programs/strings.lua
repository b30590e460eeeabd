-- String building and string methods: translation of strings.star (split, join,
-- replace, find and count written with Lua's string library and plain matching).

local WORDS = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"}

local function split(s, sep)
  local out = {}
  local start = 1
  while true do
    local i = string.find(s, sep, start, true)
    if not i then
      out[#out + 1] = string.sub(s, start)
      return out
    end
    out[#out + 1] = string.sub(s, start, i - 1)
    start = i + #sep
  end
end

local function find(s, sub)
  local i = string.find(s, sub, 1, true)
  if i then return i - 1 end
  return -1
end

local function count(s, sub)
  local n = 0
  local start = 1
  while true do
    local i = string.find(s, sub, start, true)
    if not i then return n end
    n = n + 1
    start = i + #sub
  end
end

local function strip(s)
  return (string.gsub(s, "^%s+", ""):gsub("%s+$", ""))
end

local function main()
  local total = 0
  local pieces = {}
  for i = 0, 200000 - 1 do
    local w = WORDS[i % 8 + 1]
    local s = string.format("%s-%d:%s", w, i, string.upper(w))
    local t = w .. "/" .. tostring(i % 97)
    local line = table.concat({s, t, (string.gsub(w, "a", "A")), "  pad  "}, ",")
    local parts = split(line, ",")
    total = total + #parts[1] + find(line, "/") + #string.lower(parts[3])
    if string.sub(line, 1, 1) == "e" then
      total = total + 1
    end
    if string.sub(t, -1) == "7" then
      total = total + 2
    end
    total = total + #strip(parts[4]) + #string.sub(line, 3, -3)
    if i % 100 == 0 then
      pieces[#pieces + 1] = string.sub(w, 2) .. tostring(i)
    end
  end
  local joined = table.concat(pieces, "")
  total = total + #joined + count(joined, "a") + #split(string.upper(joined), "E")
  print(total)
end

main()
