#!/usr/bin/env bash
# A throw-away Orthanc on 127.0.0.1 for the tests: `source scripts/pacs.sh; pacs_start DIR [JSON]` sets
# PACS_ADDRESS (AET@127.0.0.1:PORT) and PACS_HTTP (its REST API); `pacs_stop DIR` ends it and removes DIR.
# JSON: more settings, e.g. '"AcceptedTransferSyntaxes": [...],'. Only the calling AE title DCMSCRUB from
# 127.0.0.1 may echo, store and find; it listens on free ports.

# Two distinct free ports (both held open while the kernel picks them).
free_ports() {
  python3 -c 'import socket; s = [socket.socket() for _ in range(2)]; [x.bind(("127.0.0.1", 0)) for x in s]; print(*[x.getsockname()[1] for x in s])'
}

pacs_start() {
  local dir=$1 extra=${2:-} dicom http
  mkdir -p "$dir/storage"
  read -r dicom http < <(free_ports)
  cat > "$dir/orthanc.json" <<JSON
{
  $extra
  "Name": "dcmscrub-test",
  "StorageDirectory": "$dir/storage",
  "IndexDirectory": "$dir/storage",
  "Plugins": [],
  "ConcurrentJobs": 1,
  "HttpServerEnabled": true,
  "HttpPort": $http,
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false,
  "DicomServerEnabled": true,
  "DicomAet": "DCMSCRUBTEST",
  "DicomPort": $dicom,
  "DicomCheckCalledAet": true,
  "DicomAlwaysAllowEcho": false,
  "DicomAlwaysAllowStore": false,
  "DicomAlwaysAllowFind": false,
  "DicomCheckModalityHost": true,
  "DicomModalities": { "dcmscrub": [ "DCMSCRUB", "127.0.0.1", 104 ] }
}
JSON
  # DCMTK inside Orthanc leaves Nagle on without TCP_NODELAY=1: every answer would wait ~44 ms for an ACK.
  TCP_NODELAY=1 Orthanc "$dir/orthanc.json" > "$dir/orthanc.log" 2>&1 &
  echo $! > "$dir/orthanc.pid"
  local tries=0
  until curl -sf "http://127.0.0.1:$http/system" > /dev/null &&
        TCP_NODELAY=1 echoscu -aet DCMSCRUB -aec DCMSCRUBTEST 127.0.0.1 "$dicom" 2> /dev/null; do
    tries=$((tries + 1))
    if [[ $tries -gt 100 ]] || ! kill -0 "$(cat "$dir/orthanc.pid")" 2> /dev/null; then
      echo "pacs: Orthanc did not start; its log:" >&2
      tail -20 "$dir/orthanc.log" >&2
      return 1
    fi
    sleep 0.2
  done
  PACS_ADDRESS="DCMSCRUBTEST@127.0.0.1:$dicom"
  PACS_HTTP="http://127.0.0.1:$http"
}

pacs_stop() {
  local dir=$1
  [[ -f $dir/orthanc.pid ]] || return 0
  kill "$(cat "$dir/orthanc.pid")" 2> /dev/null || true
  wait "$(cat "$dir/orthanc.pid")" 2> /dev/null || true
  rm -rf "$dir"
}
