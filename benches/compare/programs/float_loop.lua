-- Float arithmetic: translation of float_loop.star.

local function mandelbrot(size, max_iter)
  local count = 0
  for py = 0, size - 1 do
    local ci = 2.0 * py / size - 1.0
    for px = 0, size - 1 do
      local cr = 2.5 * px / size - 2.0
      local zr = 0.0
      local zi = 0.0
      for k = 0, max_iter - 1 do
        local zr2 = zr * zr
        local zi2 = zi * zi
        if zr2 + zi2 > 4.0 then
          break
        end
        zi = 2.0 * zr * zi + ci
        zr = zr2 - zi2 + cr
        count = count + 1
      end
    end
  end
  return count
end

local function integrate(n)
  local h = 1.0 / n
  local s = 0.0
  for i = 0, n - 1 do
    local x = (i + 0.5) * h
    s = s + 4.0 / (1.0 + x * x)
  end
  return s * h
end

local function main()
  local iters = mandelbrot(200, 50)
  local pi = integrate(1200000)
  print(iters + math.tointeger(math.floor(pi * 1000000000)))
end

main()
