# The node's certificates and kubeconfigs, made with openssl. Sourced by start.sh, once per node:
# the files live in $NODE_STATE/pki and are reused by every later start.
# Why openssl and not `kubeadm init phase certs`: it is already on the machine, needs no fourth
# Kubernetes binary, and every certificate below is visible in one page. The names and groups
# are the ones the apiserver's authorizers expect (Kubernetes docs, "PKI certificates and
# requirements"): system:masters for the admin, system:node:<name> in system:nodes for the
# kubelet, system:kube-controller-manager, system:kube-scheduler, system:kube-proxy.
# shellcheck shell=bash

pki_dir() { echo "$NODE_STATE/pki"; }

# sign NAME CN O [SANS] [EXTKEYUSAGE]: a key and a certificate signed by the cluster CA.
sign() {
  local dir name=$1 cn=$2 org=$3 sans=${4:-} usage=${5:-clientAuth} ca=${6:-ca}
  dir=$(pki_dir)
  openssl genrsa -out "$dir/$name.key" 2048 2>/dev/null
  local subj="/CN=$cn"
  [ -n "$org" ] && subj="/O=$org$subj"
  openssl req -new -key "$dir/$name.key" -subj "$subj" -out "$dir/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$usage"
    [ -n "$sans" ] && echo "subjectAltName=$sans"
  } > "$dir/$name.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$ca.crt" -CAkey "$dir/$ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$dir/$name.ext" -out "$dir/$name.crt" 2>/dev/null
  rm -f "$dir/$name.csr" "$dir/$name.ext"
}

make_ca() {
  local dir name=$1 cn=$2
  dir=$(pki_dir)
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/$name.key" -out "$dir/$name.crt" \
    -days 3650 -subj "/CN=$cn" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign" 2>/dev/null
}

# kubeconfig FILE USER CERTNAME: a kubeconfig whose only context is named after the profile,
# as minikube names it.
write_kubeconfig() {
  local file=$1 user=$2 cert=$3 dir
  dir=$(pki_dir)
  cat > "$file" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: $NODE_PROFILE
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $(base64 -w0 < "$dir/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 < "$dir/$cert.crt")
    client-key-data: $(base64 -w0 < "$dir/$cert.key")
contexts:
- name: $NODE_PROFILE
  context:
    cluster: $NODE_PROFILE
    user: $user
current-context: $NODE_PROFILE
KUBECONFIG
  chmod 600 "$file"
}

make_pki() {
  local dir
  dir=$(pki_dir)
  [ -f "$dir/admin.kubeconfig" ] && return 0
  mkdir -p "$dir" && chmod 700 "$dir"
  make_ca ca minikubeCA
  make_ca front-proxy-ca front-proxy-ca
  sign apiserver kube-apiserver "" \
    "IP:127.0.0.1,IP:$NODE_IP,IP:$KUBERNETES_SERVICE_IP,DNS:localhost,DNS:control-plane.minikube.internal,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" serverAuth
  sign apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
  sign front-proxy-client front-proxy-client "" "" clientAuth front-proxy-ca
  sign kubelet-serving "system:node:$NODE_PROFILE" system:nodes "IP:$NODE_IP,IP:127.0.0.1,DNS:$NODE_PROFILE" serverAuth
  sign admin minikube-user system:masters
  sign controller-manager system:kube-controller-manager ""
  sign scheduler system:kube-scheduler ""
  sign kubelet "system:node:$NODE_PROFILE" system:nodes
  sign kube-proxy system:kube-proxy ""
  sign hostpath-provisioner todo-chatbot-node:hostpath-provisioner ""
  openssl genrsa -out "$dir/sa.key" 2048 2>/dev/null
  openssl rsa -in "$dir/sa.key" -pubout -out "$dir/sa.pub" 2>/dev/null
  write_kubeconfig "$dir/controller-manager.kubeconfig" system:kube-controller-manager controller-manager
  write_kubeconfig "$dir/scheduler.kubeconfig" system:kube-scheduler scheduler
  write_kubeconfig "$dir/kubelet.kubeconfig" "system:node:$NODE_PROFILE" kubelet
  write_kubeconfig "$dir/kube-proxy.kubeconfig" system:kube-proxy kube-proxy
  write_kubeconfig "$dir/hostpath-provisioner.kubeconfig" todo-chatbot-node:hostpath-provisioner hostpath-provisioner
  # Written last: its presence means the PKI is complete.
  write_kubeconfig "$dir/admin.kubeconfig" "$NODE_PROFILE" admin
}
