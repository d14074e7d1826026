"""The room's mail server as a JupyterHub service: what `tremplin kiosk` starts beside Voilà.

Under the hub no kiosk process exists to start it, so the hub runs this module as a
managed service (`configure_mail`): it starts the SMTP server on 127.0.0.1 (its port
written to DATA/mail/server.json, where the learners' pages find it) and stops it when
the hub stops the service (SIGTERM) or on Ctrl+C.
"""

from __future__ import annotations

import signal

from tremplin.widgets.mail_server import start_for_kiosk
from tremplin.widgets.paths import data_root


def main() -> None:
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)  # wait for them below, not die on them
    server = start_for_kiosk(data_root())
    try:
        signal.sigwait(stop_signals)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
