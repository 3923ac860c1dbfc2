// The dynamic provisioner behind the node's `standard` StorageClass. It does what minikube's
// storage-provisioner does (minikube pkg/storage/storage_provisioner.go, hostPathProvisioner):
// provisioner name k8s.io/minikube-hostpath, one directory <dir>/<namespace>/<claim> per claim,
// mode 0777 so any pod user can write it, a hostPath PersistentVolume with the class's reclaim
// policy, and the directory removed when a PV it made is deleted. Two differences, both because
// it runs as a process on the host rather than as a pod on a VM: it reads a kubeconfig instead of
// the in-cluster config, and its identity is fixed per node (minikube draws a new one at every
// start, which leaves earlier PVs Released after a restart).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	core "k8s.io/api/core/v1"
	meta "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	"sigs.k8s.io/sig-storage-lib-external-provisioner/v11/controller"
)

const (
	provisionerName    = "k8s.io/minikube-hostpath"
	identityAnnotation = "hostPathProvisionerIdentity"
)

type hostPathProvisioner struct {
	dir      string
	identity string
}

func (p *hostPathProvisioner) Provision(_ context.Context, options controller.ProvisionOptions) (*core.PersistentVolume, controller.ProvisioningState, error) {
	path := filepath.Join(p.dir, options.PVC.Namespace, options.PVC.Name)
	if err := os.MkdirAll(path, 0o777); err != nil {
		return nil, controller.ProvisioningFinished, err
	}
	// MkdirAll applies the umask; the claim must be writable by whatever user the pod runs as.
	if err := os.Chmod(path, 0o777); err != nil {
		return nil, controller.ProvisioningFinished, err
	}
	reclaim := core.PersistentVolumeReclaimDelete
	if options.StorageClass.ReclaimPolicy != nil {
		reclaim = *options.StorageClass.ReclaimPolicy
	}
	return &core.PersistentVolume{
		ObjectMeta: meta.ObjectMeta{Name: options.PVName, Annotations: map[string]string{identityAnnotation: p.identity}},
		Spec: core.PersistentVolumeSpec{
			PersistentVolumeReclaimPolicy: reclaim,
			AccessModes:                   options.PVC.Spec.AccessModes,
			Capacity:                      core.ResourceList{core.ResourceStorage: options.PVC.Spec.Resources.Requests[core.ResourceStorage]},
			PersistentVolumeSource:        core.PersistentVolumeSource{HostPath: &core.HostPathVolumeSource{Path: path}},
		},
	}, controller.ProvisioningFinished, nil
}

func (p *hostPathProvisioner) Delete(_ context.Context, volume *core.PersistentVolume) error {
	owner, ok := volume.Annotations[identityAnnotation]
	if !ok {
		return errors.New("identity annotation not found on PV")
	}
	if owner != p.identity {
		return &controller.IgnoredError{Reason: "identity annotation on PV does not match ours"}
	}
	if volume.Spec.HostPath == nil {
		return errors.New("not a hostPath volume")
	}
	if err := os.RemoveAll(volume.Spec.HostPath.Path); err != nil {
		return fmt.Errorf("removing hostpath PV: %w", err)
	}
	return nil
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the provisioner's user")
	dir := flag.String("dir", "", "directory that holds one subdirectory per claim")
	identity := flag.String("identity", "", "marks the PVs this provisioner owns (and may delete)")
	klog.InitFlags(nil)
	flag.Parse()
	if *kubeconfig == "" || *dir == "" || *identity == "" {
		fmt.Fprintln(os.Stderr, "hostpath-provisioner: --kubeconfig, --dir and --identity are required")
		os.Exit(2)
	}
	config, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		klog.Fatalf("kubeconfig: %v", err)
	}
	client := kubernetes.NewForConfigOrDie(config)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	provisioner := &hostPathProvisioner{dir: *dir, identity: *identity}
	controller.NewProvisionController(ctx, client, provisionerName, provisioner, controller.LeaderElection(false)).Run(ctx)
}
