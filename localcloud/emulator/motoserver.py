"""moto_server with fixes for moto bugs the local cloud drills hit.

Run as: python3 -c "$(cat motoserver.py)" -H 127.0.0.1 -p PORT
(the Go emulator package embeds this file and does exactly that).
"""
import sys

from moto.rds import models as rds_models
from moto.server import main


def _remove_replica(self, replica):
    # moto records a cross-region replica by ARN but removes it by identifier, so
    # deleting a cross-region read replica fails with "list.remove(x): x not in list".
    for key in (replica.db_instance_identifier, replica.db_instance_arn):
        if key in self.replicas:
            self.replicas.remove(key)
            return


rds_models.DBInstance.remove_replica = _remove_replica

main(sys.argv[1:])
