-- SPDX-License-Identifier: MIT
-- natter's benchmarks (bench/README.md): the component that hosts the
-- silent room occupants of mod_bench_fill. Whatever the rooms send them
-- is dropped here, in the server, so a room of 2,000 costs no network.
local function drop() return true; end

for _, kind in ipairs({ "message", "presence", "iq" }) do
	for _, to in ipairs({ "bare", "full", "host" }) do
		module:hook(kind .. "/" .. to, drop, 1000);
	end
end
