-- churn: allocate many small objects and arrays, push and pop them, read their fields.
local n = 2400000
local stack = {}
local counts = {}
local distinct = 0
local total = 0
local made = 0
for i = 0, n - 1 do
  local o = { id = i, x = i % 100, y = (i * 7) % 13, tags = { i % 3, i % 5 } }
  stack[#stack + 1] = o
  made = made + 1
  local key = "k" .. tostring(i % 50)
  if counts[key] == nil then distinct = distinct + 1 end
  counts[key] = (counts[key] or 0) + 1
  if #stack >= 50 then
    while #stack > 10 do
      local p = table.remove(stack)
      total = (total + p.x * p.y + p.tags[1] + p.tags[2]) % 1000003
    end
  end
end
print(made .. " " .. #stack .. " " .. distinct .. " " .. counts["k7"] .. " " .. total)
