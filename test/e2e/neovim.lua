-- Neovim as a second LSP client of the LitNotes server, run headless by neovim.test.ts.
-- Works on Neovim 0.7 (Debian 12): vim.lsp.start_client + buf_attach_client, as vim.lsp.start
-- only exists from 0.8. No init_options: the server must work with an editor that sends none.
-- In: LITNOTES_NODE, LITNOTES_SERVER, LITNOTES_ROOT (workspace), LITNOTES_NOTE, LITNOTES_OUT.
-- Out: a JSON file { completion = items, hover = result, error = message } the test asserts on.
local env = vim.env
local result = {}

local function write_result()
  local file = assert(io.open(env.LITNOTES_OUT, 'w'))
  file:write(vim.fn.json_encode(result))
  file:close()
end

-- Retries a request until `accept` finds what it wants: the first answers may come before the
-- server indexed the catalog. Bounded, so a broken server ends the test instead of hanging it.
local function request_until(method, params, accept, timeout_ms)
  local deadline = vim.loop.now() + timeout_ms
  while vim.loop.now() < deadline do
    local ok, responses = pcall(vim.lsp.buf_request_sync, 0, method, params, 2000)
    if ok and responses then
      for _, response in pairs(responses) do
        local found = response.result and accept(response.result)
        if found then return found end
      end
    end
    vim.wait(200)
  end
  return nil
end

local function run()
  local client_id = vim.lsp.start_client({
    name = 'litnotes',
    cmd = { env.LITNOTES_NODE, env.LITNOTES_SERVER, '--stdio' },
    root_dir = env.LITNOTES_ROOT,
  })
  if not client_id then error('vim.lsp.start_client failed') end
  vim.cmd('edit ' .. vim.fn.fnameescape(env.LITNOTES_NOTE))
  vim.lsp.buf_attach_client(0, client_id)
  -- Requests sent before the initialize handshake finished only produce "not supported" errors.
  vim.wait(20000, function()
    local client = vim.lsp.get_client_by_id(client_id)
    return client ~= nil and client.initialized == true
  end, 50)
  local document = { uri = vim.uri_from_bufnr(0) }

  -- Line 0 is "See [@gauss": the cursor right after "gauss".
  result.completion = request_until('textDocument/completion',
    { textDocument = document, position = { line = 0, character = 11 } },
    function(answer)
      local items = answer.items or answer
      if #items > 0 then return items end
    end, 30000)

  -- Line 2 is "Hover [@Feat2GS].": the cursor inside the key.
  result.hover = request_until('textDocument/hover',
    { textDocument = document, position = { line = 2, character = 10 } },
    function(answer) return answer end, 10000)

  vim.lsp.stop_client(client_id)
end

local ok, message = pcall(run)
if not ok then result.error = tostring(message) end
write_result()
vim.cmd('qa!')
