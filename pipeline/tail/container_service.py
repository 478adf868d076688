"""The service of a Kubernetes container's log file, told by its path.

The kubelet names what a container prints after the pod, its namespace and the container:

    /var/log/containers/<pod>_<namespace>_<container>-<64 hex container id>.log   (links)
    /var/log/pods/<namespace>_<pod>_<pod uid>/<container>/<restart count>.log[.<stamp>[.gz]]

A shipper following `/var/log/containers/*.log` on a node reads every container there
through one input; with no `service` configured for that input, each file's events are
filed under their container's name (`pay-gateway`), not one service for the node.
"""

from __future__ import annotations

import os
import re

# DNS-1123 names: lower-case letters, digits, '-' (and '.' in pod names)
_LINK_NAME = re.compile(r"(?P<pod>[a-z0-9][a-z0-9.-]*)_(?P<ns>[a-z0-9][a-z0-9-]*)_(?P<container>[a-z0-9][a-z0-9-]*)"
                        r"-[0-9a-f]{64}\.log$")
_POD_FILE = re.compile(r"/pods/[a-z0-9][a-z0-9-]*_[a-z0-9][a-z0-9.-]*_[0-9a-f-]{8,}/(?P<container>[a-z0-9][a-z0-9-]*)"
                       r"/\d+\.log(?:\.[\d-]+)?(?:\.gz)?$")


def container_of(path: str) -> str | None:
    """The container whose output `path` holds, or None when it is no kubelet log file."""
    m = _LINK_NAME.match(os.path.basename(path))
    if m is not None:
        return m.group("container")
    m = _POD_FILE.search(path)
    return m.group("container") if m is not None else None
