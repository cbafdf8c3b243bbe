"""Azure Resource Graph in the sandbox: KQL over the same store ARM answers from.

Layers, bottom up: `syntax` (the tree) and `tokens` (the tokenizer, `KqlError`), `kql`
(the grammar), `evaluate` (running a query over rows), `rows` (the store as Resource Graph
indexes it) and `quota`, then `endpoint` (the REST answer).
"""
