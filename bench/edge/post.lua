-- wrk script: POST a small JSON task (the agents-write route: JSON validation, input validation, body digest).
wrk.method = "POST"
wrk.body = '{"task_type":"summarize","input_data":{"document_id":"doc-42","max_words":120,"language":"en"},"priority":"normal"}'
wrk.headers["Content-Type"] = "application/json"
