"""The simulated Ceph monitor: store, services (MgrMonitor, health, cluster
log, monmap) and the daemon shell that serves them over ZeroMQ."""
