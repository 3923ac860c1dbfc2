// Install hints per operating system, shown when a tool is missing.
export type Os = 'linux' | 'macos' | 'windows';

export function currentOs(platform: NodeJS.Platform = process.platform): Os {
  return platform === 'darwin' ? 'macos' : platform === 'win32' ? 'windows' : 'linux';
}

const HINTS: Record<string, Record<Os, string>> = {
  docker: {
    linux: 'install Docker Engine (https://docs.docker.com/engine/install/) and start it: sudo systemctl start docker',
    macos: 'install Docker Desktop (brew install --cask docker) and start it',
    windows: 'install Docker Desktop (winget install Docker.DockerDesktop) with the WSL 2 backend and start it',
  },
  minikube: {
    linux: 'install minikube: https://minikube.sigs.k8s.io/docs/start/ (or: brew install minikube)',
    macos: 'brew install minikube',
    windows: 'winget install Kubernetes.minikube',
  },
  kubectl: {
    linux: 'install kubectl: https://kubernetes.io/docs/tasks/tools/ (or: sudo snap install kubectl --classic)',
    macos: 'brew install kubectl',
    windows: 'winget install Kubernetes.kubectl',
  },
  helm: {
    linux: 'install helm (≥ 3.7, or 4): https://helm.sh/docs/intro/install/ (or: sudo snap install helm --classic)',
    macos: 'brew install helm',
    windows: 'winget install Helm.Helm',
  },
  'kubectl-ai': {
    linux:
      'optional: install kubectl-ai (kubectl krew install ai, or see github.com/GoogleCloudPlatform/kubectl-ai) and set GEMINI_API_KEY',
    macos: 'optional: brew install kubectl-ai (or kubectl krew install ai) and set GEMINI_API_KEY',
    windows: 'optional: kubectl krew install ai, then set GEMINI_API_KEY',
  },
  kagent: {
    linux: 'optional: install the kagent CLI (see kagent.dev/docs), then kagent install --profile demo',
    macos: 'optional: brew install kagent, then kagent install --profile demo',
    windows: 'optional: install the kagent CLI (see kagent.dev/docs), then kagent install --profile demo',
  },
  gordon: {
    linux: 'optional: Gordon (docker ai) ships with Docker Desktop; sign in and enable it under Settings → Beta features',
    macos: 'optional: update Docker Desktop, sign in and enable Gordon under Settings → Beta features',
    windows: 'optional: update Docker Desktop, sign in and enable Gordon under Settings → Beta features',
  },
};

export function installHint(tool: string, os: Os = currentOs()): string {
  return HINTS[tool]?.[os] ?? `install ${tool}`;
}

export function dockerDownHint(os: Os = currentOs()): string {
  return os === 'linux'
    ? 'start the Docker daemon: sudo systemctl start docker (and add yourself to the docker group)'
    : 'start Docker Desktop and wait until it says it is running';
}
