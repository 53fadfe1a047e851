"""Per-entity keys, as Ceph's cephx keeps them: keys, keyring files, cap
strings, and the signers that pick a frame's key by the entity it claims.

- `keys`: Ceph's key layout (``AQ…==``), generation and checking.
- `keyring`: Ceph's keyring file format (``[client.admin]`` / ``key = …`` /
  ``caps mon = "allow *"``), reading and writing.
- `capspec`: the part of Ceph's cap grammar the simulator checks.
- `signer`: `EntitySigner` (daemons: a client's frame is verified with its
  own key, a daemon's with the cluster's service secret) and `client_signer`
  (a client: its own key from its keyring).

Who may import it: every layer (this is kernel code; it imports only
`sim.wire`, `sim.codec` and `sim.cluster`).
"""
