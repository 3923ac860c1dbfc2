#!/usr/bin/env bash
# Installs kubectl, helm and (when MINIKUBE_VERSION is set) minikube into /usr/local/bin, each
# checked against the sha256 its project publishes next to the download. Run by action.yml with
# KUBECTL_VERSION, HELM_VERSION and MINIKUBE_VERSION from the action's inputs.
set -euo pipefail
: "${KUBECTL_VERSION:?}" "${HELM_VERSION:?}" "${MINIKUBE_VERSION:=}"
work=$(mktemp -d)
# fetch URL FILE: download, then compare with the sha256 published next to it.
fetch() {
  curl -fsSL --retry 3 -o "$work/$2" "$1"
  echo "$(curl -fsSL --retry 3 "$1.sha256" | cut -d' ' -f1)  $work/$2" | sha256sum --check --quiet
}
fetch "https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/amd64/kubectl" kubectl
sudo install -m 0755 "$work/kubectl" /usr/local/bin/kubectl
helm_tgz="helm-${HELM_VERSION}-linux-amd64.tar.gz"
curl -fsSL --retry 3 -o "$work/$helm_tgz" "https://get.helm.sh/$helm_tgz"
(cd "$work" && echo "$(curl -fsSL --retry 3 "https://get.helm.sh/$helm_tgz.sha256sum" | cut -d' ' -f1)  $helm_tgz" | sha256sum --check --quiet)
tar -xzf "$work/$helm_tgz" -C "$work"
sudo install -m 0755 "$work/linux-amd64/helm" /usr/local/bin/helm
if [ -n "$MINIKUBE_VERSION" ]; then
  fetch "https://storage.googleapis.com/minikube/releases/${MINIKUBE_VERSION}/minikube-linux-amd64" minikube
  sudo install -m 0755 "$work/minikube" /usr/local/bin/minikube
fi
rm -rf "$work"
kubectl version --client
helm version --short
if [ -n "$MINIKUBE_VERSION" ]; then minikube version --short; fi
