"""SHA-1 and HMAC-SHA1 from Python's hashlib and hmac, for
tests/flask_interop.rs to compare with goldfish's by-hand SHA-1.

    python hashes.py N

For every n in 0..N, the message is bytes((7 * i + n) % 256 for i in range(n))
and the key is the first n % 131 bytes of bytes(range(255, -1, -1)) (so keys
shorter and longer than SHA-1's 64-byte block). Prints one line per n:
"<sha1 hex> <hmac-sha1 hex>".
"""
import hashlib
import hmac
import sys

KEY_SOURCE = bytes(range(255, -1, -1))

for n in range(int(sys.argv[1])):
    message = bytes((7 * i + n) % 256 for i in range(n))
    key = KEY_SOURCE[: n % 131]
    print(hashlib.sha1(message).hexdigest(), hmac.new(key, message, hashlib.sha1).hexdigest())
