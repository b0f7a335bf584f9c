#!/usr/bin/env bash
# Installs the Debian packages dcmscrub builds and tests with, only those missing (as root or with sudo).
set -euo pipefail
packages=(
  g++ pkg-config python3-pip
  libdcmtk-dev dcmtk                               # DICOM decode, encode, network
  libtesseract-dev tesseract-ocr-eng tesseract-ocr-lit  # OCR of burned-in text
  libsixel-dev libsixel-bin                        # sixel previews
  libncursesw5-dev tmux                            # the terminal workstation; tmux drives it in end-to-end tests
  libopenjp2-7-dev                                 # JPEG 2000
  libjpeg62-turbo-dev                              # JPEG baseline redacted in the DCT domain (coefficient API)
  dicom3tools                                      # dciodvfy checks outputs in tests
  ffmpeg                                           # exports JPEG and MP4 (Exporter), ffprobe in tests
  libmimalloc-dev                                  # the process's allocator (linked by the dcmscrub target)
  orthanc curl                                     # the PACS the push tests send to, and its REST API
  unzip
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
echo "deps: installing ${missing[*]}"
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
