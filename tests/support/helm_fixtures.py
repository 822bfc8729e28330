#!/usr/bin/env python3
"""Helm release records as Helm writes them, for upcheck's fixtures.

Helm 3 (helm/helm pkg/storage/driver/util.go, encodeRelease): json.Marshal of pkg/release.Release
(fields in struct order, <>& escaped as \\u003c \\u003e \\u0026), gzip at best compression, base64
(StdEncoding). The Secret driver stores that string as the bytes of data.release, which kubectl
shows base64'd once more; the ConfigMap driver stores the string itself. Helm 2 (Tiller) stored
gzip'd protobuf hapi.release.Release, base64'd, in ConfigMaps labelled OWNER=TILLER.

Used as a module by tests/support/make_helm_fixtures.py, which writes the fixture files.
"""
import base64
import gzip
import json


def go_json(value):
    """json.Marshal's output: compact, HTML characters escaped."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def b64(data):
    return base64.b64encode(data).decode("ascii")


def release_json(name, namespace, chart, version, revision, status, config, chart_values, manifest,
                 templates, description="Helm chart for Istio", deployed="2024-03-01T10:00:00.123456789Z"):
    """pkg/release.Release with its fields in Go struct order."""
    return {
        "name": name,
        "info": {
            "first_deployed": deployed,
            "last_deployed": deployed,
            "deleted": "",
            "description": "Install complete" if revision == 1 else "Upgrade complete",
            "status": status,
            "notes": f'"{name}" successfully installed!\n',
        },
        "chart": {
            "metadata": {
                "name": chart,
                "home": "https://istio.io",
                "sources": ["https://github.com/istio/istio"],
                "version": version,
                "description": description,
                "keywords": ["istio"],
                "icon": "https://istio.io/latest/favicons/android-192x192.png",
                "apiVersion": "v2",
                "appVersion": version,
            },
            "lock": None,
            "templates": [{"name": n, "data": b64(t.encode())} for n, t in templates],
            "values": chart_values,
            "schema": None,
            "files": [],
        },
        "config": config,
        "manifest": manifest,
        "version": revision,
        "namespace": namespace,
    }


def helm3_encoded(release, compressed=True):
    raw = go_json(release).encode()
    if compressed:
        raw = gzip.compress(raw, compresslevel=9, mtime=0)
    return b64(raw)


def secret_data_release(release, compressed=True):
    """What `kubectl get secret -o yaml` shows as data.release."""
    return b64(helm3_encoded(release, compressed).encode())


# --- Helm 2: protobuf wire format of hapi.release.Release (_proto/hapi/release/release.proto).

def _varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def _field_bytes(number, data):
    if isinstance(data, str):
        data = data.encode()
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def _field_varint(number, value):
    return _varint(number << 3) + _varint(value)


TILLER_STATUS = ["UNKNOWN", "DEPLOYED", "DELETED", "SUPERSEDED", "FAILED", "DELETING", "PENDING_INSTALL",
                 "PENDING_UPGRADE", "PENDING_ROLLBACK"]


def tiller_release_proto(name, namespace, chart, version, revision, status, raw_config, manifest, templates):
    metadata = (_field_bytes(1, chart) + _field_bytes(2, "https://istio.io") + _field_bytes(4, version) +
                _field_bytes(5, "Helm chart for all istio components") + _field_bytes(10, "v1") +
                _field_bytes(13, version))
    chart_msg = _field_bytes(1, metadata)
    for template_name, text in templates:
        chart_msg += _field_bytes(2, _field_bytes(1, template_name) + _field_bytes(2, text))
    timestamp = _field_varint(1, 1551434400)
    info = (_field_bytes(1, _field_varint(1, TILLER_STATUS.index(status))) + _field_bytes(2, timestamp) +
            _field_bytes(3, timestamp))
    return (_field_bytes(1, name) + _field_bytes(2, info) + _field_bytes(3, chart_msg) +
            _field_bytes(4, _field_bytes(1, raw_config)) + _field_bytes(5, manifest) + _field_varint(7, revision) +
            _field_bytes(8, namespace))


def tiller_data_release(proto):
    return b64(gzip.compress(proto, compresslevel=9, mtime=0))
