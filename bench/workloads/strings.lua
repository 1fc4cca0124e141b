-- strings: build text by concatenation in a loop, then split it, scan the pieces and join them.

-- JavaScript/Python-style split on a plain separator: "a,b,".split(",") gives {"a", "b", ""}.
local function split(s, sep)
  local out = {}
  local start = 1
  while true do
    local at = string.find(s, sep, start, true)
    if not at then
      out[#out + 1] = string.sub(s, start)
      return out
    end
    out[#out + 1] = string.sub(s, start, at - 1)
    start = at + #sep
  end
end

local rounds = 13
local rows_per_round = 25000
local total_chars = 0
local fields_seen = 0
local checksum = 0
local joined_chars = 0
for r = 0, rounds - 1 do
  local rows = {}
  for i = 0, rows_per_round - 1 do
    local line = ""
    for j = 0, 7 do
      line = line .. "k" .. tostring((i * 8 + j + r) % 997) .. ","
    end
    rows[#rows + 1] = line
  end
  local text = table.concat(rows, "\n")
  total_chars = total_chars + #text
  local fields = split(text, ",")
  fields_seen = fields_seen + #fields
  for _, f in ipairs(fields) do
    if string.sub(f, 1, 1) == "k" then
      checksum = (checksum + #f * 3) % 1000003
    else
      checksum = (checksum + #f) % 1000003
    end
  end
  joined_chars = joined_chars + #table.concat(fields, ";")
end
print(total_chars .. " " .. fields_seen .. " " .. checksum .. " " .. joined_chars)
