"""Speed-ups for moto_server, loaded by Python at start-up (this folder is first on the moto process's PYTHONPATH).

moto 5.2's EventBridge and SQS do per-event work that grows without bound, so under the pipeline's load moto took a
whole core and fell minutes behind:

* every rule target's event goes through EventTemplateParser, which calls jsonpath_ng.ext.parse for each of its eight
  default input paths, and every parse rebuilds the PLY grammar tables: about 55 ms a path, 0.45 s per event per rule
  (the bus has two rules: the archive and the example queue). The parsed paths are immutable, so they are cached.
* SQS SendMessage reads Queue.attributes to learn ContentBasedDeduplication, and that property counts every message in
  the queue three times (visible, delayed, in flight), so each send is O(messages held): a queue nobody drains (the
  example rule's) makes every later event slower. During a send, a standard queue's attributes are given without the
  counts: only FIFO queues have ContentBasedDeduplication, and FIFO queues still get the full attributes.

Neither changes what moto answers. `applied` lists the patches that found what they patch, so a moto upgrade that
renames them shows up in the moto log and in EventPipeline.Local.Tests (MotoSiteTests) instead of going quiet.
"""

import functools
import sys
import threading

applied = []

try:
    import jsonpath_ng.ext as _jsonpath_ext

    _jsonpath_ext.parse = functools.lru_cache(maxsize=512)(_jsonpath_ext.parse)
    applied.append("jsonpath-parse-cache")
except Exception as error:  # noqa: BLE001 - a missing optional module must not stop moto
    print(f"eventpipeline moto site: jsonpath cache not applied: {error!r}", file=sys.stderr)

try:
    from moto.sqs import models as _sqs_models

    _full_attributes = _sqs_models.Queue.attributes.fget
    _full_send = _sqs_models.SQSBackend.send_message
    _sending = threading.local()

    def _attributes(self):
        if getattr(_sending, "active", False) and not self.fifo_queue:
            return {}
        return _full_attributes(self)

    def _send_message(self, *args, **kwargs):
        _sending.active = True
        try:
            return _full_send(self, *args, **kwargs)
        finally:
            _sending.active = False

    _sqs_models.Queue.attributes = property(_attributes)
    _sqs_models.SQSBackend.send_message = _send_message
    applied.append("sqs-send-without-counts")
except Exception as error:  # noqa: BLE001
    print(f"eventpipeline moto site: SQS send patch not applied: {error!r}", file=sys.stderr)

print(f"eventpipeline moto site: applied {','.join(applied) or 'nothing'}", file=sys.stderr)
