-- loop: a tight numeric loop with a data dependence between iterations (not constant-foldable).
local n = 16000000
local acc = 0
local s = 0
for i = 0, n - 1 do
  acc = (acc * 31 + i % 17) % 1000003
  s = s + acc % 7
end
print(acc .. " " .. s)
