"""The fault suite (issue 10, item 15): every fault scenario against every command it
applies to, each run through the real console script against its own sandbox file, judged
on what a person and a script rely on: did it finish, which exit code, does the cloud hold
what the command said it holds, and was the message one clear line with no traceback.

`python -m bench.reliability` (`make reliability`) prints the table; `--size ci` runs the
small selection `tests/reliability/` asserts on in `make test`.
"""
