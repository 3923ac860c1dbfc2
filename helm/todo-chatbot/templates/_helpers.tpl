{{/*
Chart name as used in the app.kubernetes.io/name label. Label values are capped at 63 characters.
*/}}
{{- define "todo-chatbot.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Name prefix of every object. The release name alone when it already contains the chart name
(release "todo-chatbot" gives "todo-chatbot-backend", not "todo-chatbot-todo-chatbot-backend"),
else "<release>-<chart>". Capped at 63 characters, the DNS label limit.
*/}}
{{- define "todo-chatbot.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Name of one part of the release: "<fullname>-<part>". The prefix is cut to 50 characters rather
than cutting the result, so two parts can never collapse into one name and the longest part
("postgresql") plus a StatefulSet ordinal ("-0") still fits the 63-character label limit.
Call with (dict "ctx" $ "component" "backend").
*/}}
{{- define "todo-chatbot.componentName" -}}
{{- printf "%s-%s" (include "todo-chatbot.fullname" .ctx | trunc 50 | trimSuffix "-") .component -}}
{{- end -}}

{{/*
Value of the helm.sh/chart label. "+" is not allowed in label values.
*/}}
{{- define "todo-chatbot.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Labels a selector matches. Kept apart from the full label set because a Deployment's selector is
immutable: anything that changes between chart versions (chart, version) must stay out of it.
Call with (dict "ctx" $ "component" "backend").
*/}}
{{- define "todo-chatbot.selectorLabels" -}}
app.kubernetes.io/name: {{ include "todo-chatbot.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/*
Full label set of every object. Call with (dict "ctx" $ "component" "backend").
*/}}
{{- define "todo-chatbot.labels" -}}
helm.sh/chart: {{ include "todo-chatbot.chart" .ctx }}
{{ include "todo-chatbot.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: {{ include "todo-chatbot.name" .ctx }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
{{- end -}}

{{/*
The three app components, in the order objects are rendered.
*/}}
{{- define "todo-chatbot.appComponents" -}}
{{- list "frontend" "backend" "mcp" | toJson -}}
{{- end -}}

{{/*
Name of the ConfigMap that holds every non-secret setting.
*/}}
{{- define "todo-chatbot.configMapName" -}}
{{- include "todo-chatbot.componentName" (dict "ctx" . "component" "config") -}}
{{- end -}}

{{/*
Name of the Secret the pods read: the one made outside Helm when existingSecret is set, else the
chart's own.
*/}}
{{- define "todo-chatbot.secretName" -}}
{{- if .Values.existingSecret -}}
{{- .Values.existingSecret -}}
{{- else -}}
{{- include "todo-chatbot.componentName" (dict "ctx" . "component" "secrets") -}}
{{- end -}}
{{- end -}}

{{/*
"repository:tag". toString because `--set x.image.tag=20240101` arrives as a number.
Call with an image block (repository, tag).
*/}}
{{- define "todo-chatbot.image" -}}
{{- printf "%s:%s" .repository (toString .tag) -}}
{{- end -}}

{{/*
Browser URL of the frontend or the backend. An explicit publicUrls.<component> wins; else the
Ingress host; else what the Service type gives from this machine (NodePort on localhost, or a
port-forward of the Service port). Without an apiHost on the Ingress the backend is reached
through the frontend, which forwards /api/* to it, so both URLs are the same.
Call with (dict "ctx" $ "component" "frontend"|"backend").
*/}}
{{- define "todo-chatbot.publicUrl" -}}
{{- $ctx := .ctx -}}
{{- $explicit := index $ctx.Values.publicUrls .component -}}
{{- $ingress := $ctx.Values.ingress -}}
{{- $scheme := ternary "https" "http" $ingress.tls.enabled -}}
{{- if $explicit -}}
{{- $explicit | trimSuffix "/" -}}
{{- else if and $ingress.enabled (eq .component "backend") $ingress.apiHost -}}
{{- printf "%s://%s" $scheme $ingress.apiHost -}}
{{- else if $ingress.enabled -}}
{{- printf "%s://%s" $scheme $ingress.host -}}
{{- else -}}
{{- $service := (index $ctx.Values .component).service -}}
{{- if and (ne $service.type "ClusterIP") (not (kindIs "invalid" $service.nodePort)) -}}
{{- printf "http://localhost:%v" $service.nodePort -}}
{{- else -}}
{{- printf "http://localhost:%v" $service.port -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Every Secret key name some container reads, plus those given under `secrets`. A key on this list
may not be set through `<component>.env`, which would put it into the ConfigMap in clear text.
*/}}
{{- define "todo-chatbot.secretKeyNames" -}}
{{- $names := list "DATABASE_URL" "BETTER_AUTH_SECRET" "OPENAI_API_KEY" "POSTGRES_PASSWORD" -}}
{{- range $component := include "todo-chatbot.appComponents" . | fromJsonArray -}}
{{- $names = concat $names (index $.Values $component).secretKeys -}}
{{- end -}}
{{- $names = concat $names (keys (.Values.secrets | default dict)) -}}
{{- $names | uniq | sortAlpha | toJson -}}
{{- end -}}

{{/*
Non-secret environment of one component as a YAML map of strings: the wiring the chart derives
(ports, in-cluster URLs, browser URLs), with <component>.env on top. The ConfigMap stores each
entry as "<component>.<KEY>" and the pod maps it back to <KEY>, so one ConfigMap can hold a
different LOG_LEVEL for the backend and the MCP server.
Call with (dict "ctx" $ "component" "backend").
*/}}
{{- define "todo-chatbot.componentEnv" -}}
{{- $ctx := .ctx -}}
{{- $component := .component -}}
{{- $values := index $ctx.Values $component -}}
{{- $env := dict -}}
{{- if eq $component "postgresql" -}}
{{- $_ := set $env "POSTGRES_USER" $values.auth.username -}}
{{- $_ := set $env "POSTGRES_DB" $values.auth.database -}}
{{- $_ := set $env "PGDATA" "/var/lib/postgresql/data/pgdata" -}}
{{- else -}}
{{- $_ := set $env "PORT" (toString $values.containerPort) -}}
{{- $frontendUrl := include "todo-chatbot.publicUrl" (dict "ctx" $ctx "component" "frontend") -}}
{{- if eq $component "frontend" -}}
{{- $backend := include "todo-chatbot.componentName" (dict "ctx" $ctx "component" "backend") -}}
{{- $_ := set $env "BACKEND_URL" (printf "http://%s:%v" $backend $ctx.Values.backend.service.port) -}}
{{- $_ := set $env "NEXT_PUBLIC_API_URL" (include "todo-chatbot.publicUrl" (dict "ctx" $ctx "component" "backend")) -}}
{{- $_ := set $env "NEXT_PUBLIC_APP_URL" $frontendUrl -}}
{{- $_ := set $env "BETTER_AUTH_URL" $frontendUrl -}}
{{- else if eq $component "backend" -}}
{{- $mcp := include "todo-chatbot.componentName" (dict "ctx" $ctx "component" "mcp") -}}
{{- $_ := set $env "CORS_ORIGINS" $frontendUrl -}}
{{- $_ := set $env "MCP_SERVER_URL" (printf "http://%s:%v/mcp" $mcp $ctx.Values.mcp.service.port) -}}
{{- else if eq $component "mcp" -}}
{{- $_ := set $env "MCP_SERVER_PORT" (toString $values.containerPort) -}}
{{- end -}}
{{- $secretKeys := include "todo-chatbot.secretKeyNames" $ctx | fromJsonArray -}}
{{- range $key, $value := $values.env -}}
{{- if eq $key "PORT" -}}
{{- fail (printf "%s.env.PORT: set %s.containerPort instead, so the probes and the Service follow the port" $component $component) -}}
{{- end -}}
{{- if has $key $secretKeys -}}
{{- fail (printf "%s.env.%s: %s is a secret; set secrets.%s (or put it in existingSecret) so it stays out of the ConfigMap" $component $key $key $key) -}}
{{- end -}}
{{- $_ := set $env $key (toString $value) -}}
{{- end -}}
{{- end -}}
{{- toYaml $env -}}
{{- end -}}

{{/*
DATABASE_URL of the in-chart PostgreSQL. The password is URL-encoded so characters such as
"@", "/" or ":" cannot break the URL.
*/}}
{{- define "todo-chatbot.databaseUrl" -}}
{{- $pg := .Values.postgresql -}}
{{- $password := required "secrets.POSTGRES_PASSWORD is required when postgresql.enabled=true: set it in a private values file (-f), or name a Secret made outside Helm in existingSecret" .Values.secrets.POSTGRES_PASSWORD -}}
{{- $host := include "todo-chatbot.componentName" (dict "ctx" . "component" "postgresql") -}}
{{- printf "postgresql://%s:%s@%s:%v/%s" (urlquery $pg.auth.username) (urlquery (toString $password)) $host $pg.service.port $pg.auth.database -}}
{{- end -}}

{{/*
Contents of the chart's Secret as a YAML map of plain strings (base64 is applied in secret.yaml):
every non-empty key under `secrets`, an empty entry for every key a container reads but nobody set (so the
pod starts and the app reports what it misses), and with the in-chart PostgreSQL its password and
the DATABASE_URL derived from it. Only meaningful when existingSecret is empty.
*/}}
{{- define "todo-chatbot.secretData" -}}
{{- $data := dict -}}
{{- range $key, $value := .Values.secrets -}}
{{- if and (not (kindIs "invalid" $value)) (ne (toString $value) "") -}}
{{- $_ := set $data $key (toString $value) -}}
{{- end -}}
{{- end -}}
{{- range $component := include "todo-chatbot.appComponents" . | fromJsonArray -}}
{{- range $key := (index $.Values $component).secretKeys -}}
{{- if not (hasKey $data $key) -}}
{{- $_ := set $data $key "" -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if .Values.postgresql.enabled -}}
{{- $_ := set $data "DATABASE_URL" (include "todo-chatbot.databaseUrl" .) -}}
{{- $_ := set $data "POSTGRES_PASSWORD" (toString .Values.secrets.POSTGRES_PASSWORD) -}}
{{- else -}}
{{- $_ := set $data "DATABASE_URL" (required "secrets.DATABASE_URL is required when postgresql.enabled=false: give the external database's connection string in a private values file (-f), or name a Secret made outside Helm in existingSecret" (get $data "DATABASE_URL")) -}}
{{- end -}}
{{- toYaml $data -}}
{{- end -}}

{{/*
Secret keys one component reads: its secretKeys, plus POSTGRES_PASSWORD for PostgreSQL.
Call with (dict "ctx" $ "component" "backend").
*/}}
{{- define "todo-chatbot.componentSecretKeys" -}}
{{- if eq .component "postgresql" -}}
{{- list "POSTGRES_PASSWORD" | toJson -}}
{{- else -}}
{{- (index .ctx.Values .component).secretKeys | default list | toJson -}}
{{- end -}}
{{- end -}}

{{/*
Pod-template checksums. Each covers only what that component reads - its own entries of the
ConfigMap and its own keys of the Secret - so `--set backend.env.X=...` rolls the backend and
leaves the frontend running. With existingSecret the chart cannot see the Secret's contents;
the checksum then follows the Secret's name and the keys read (restart the pods with
`kubectl rollout restart` after changing that Secret).
Call with (dict "ctx" $ "component" "backend").
*/}}
{{- define "todo-chatbot.checksumAnnotations" -}}
{{- $ctx := .ctx -}}
{{- $keys := include "todo-chatbot.componentSecretKeys" . | fromJsonArray -}}
checksum/config: {{ printf "%s\n%s" (include "todo-chatbot.configMapName" $ctx) (include "todo-chatbot.componentEnv" .) | sha256sum }}
{{- if $ctx.Values.existingSecret }}
checksum/secret: {{ printf "%s\n%s" $ctx.Values.existingSecret (toJson $keys) | sha256sum }}
{{- else }}
{{- $all := include "todo-chatbot.secretData" $ctx | fromYaml }}
{{- $mine := dict }}
{{- range $key := $keys }}
{{- $_ := set $mine $key (get $all $key) }}
{{- end }}
checksum/secret: {{ printf "%s\n%s" (include "todo-chatbot.secretName" $ctx) (toJson $mine) | sha256sum }}
{{- end }}
{{- end -}}

{{/*
Environment entries of a container: every non-secret setting by configMapKeyRef from the shared
ConfigMap, every secret by secretKeyRef. Explicit references rather than envFrom, so a key
missing from an existingSecret stops the pod with CreateContainerConfigError naming that key.
Call with (dict "ctx" $ "component" "backend").
*/}}
{{- define "todo-chatbot.containerEnv" -}}
{{- $ctx := .ctx -}}
{{- $component := .component -}}
{{- $configMap := include "todo-chatbot.configMapName" $ctx -}}
{{- $secret := include "todo-chatbot.secretName" $ctx -}}
{{- range $key, $_ := include "todo-chatbot.componentEnv" . | fromYaml }}
- name: {{ $key }}
  valueFrom:
    configMapKeyRef:
      name: {{ $configMap }}
      key: {{ printf "%s.%s" $component $key }}
{{- end }}
{{- range $key := include "todo-chatbot.componentSecretKeys" . | fromJsonArray }}
- name: {{ $key }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $key }}
{{- end }}
{{- end -}}

{{/*
Pod security context: the top-level podSecurityContext with the component's own on top.
Call with the component's podSecurityContext block as .own and the root as .ctx.
*/}}
{{- define "todo-chatbot.podSecurityContext" -}}
{{- toYaml (mergeOverwrite (deepCopy .ctx.Values.podSecurityContext) (deepCopy (.own | default dict))) -}}
{{- end -}}

{{/*
Container security context: the top-level securityContext with the component's own on top.
*/}}
{{- define "todo-chatbot.securityContext" -}}
{{- toYaml (mergeOverwrite (deepCopy .ctx.Values.securityContext) (deepCopy (.own | default dict))) -}}
{{- end -}}

{{/*
One probe of a container. `type` picks the check (default http):
  http  GET `path` on the container's "http" port (2xx/3xx pass)
  tcp   a TCP connect to that port: for servers with no plain GET route, such as an MCP server
        on the official Python SDK, which answers only POST /mcp
  exec  `command` run inside the container (exit 0 passes)
Call with a probe block (type, path or command, timings).
*/}}
{{- define "todo-chatbot.probe" -}}
{{- $type := .type | default "http" -}}
{{- if eq $type "tcp" }}
tcpSocket:
  port: http
{{- else if eq $type "exec" }}
exec:
  command: {{ required "an exec probe needs a command (a list: [\"python\", \"-c\", \"...\"])" .command | toJson }}
{{- else }}
httpGet:
  path: {{ required "an http probe needs a path" .path }}
  port: http
{{- end }}
initialDelaySeconds: {{ .initialDelaySeconds }}
periodSeconds: {{ .periodSeconds }}
timeoutSeconds: {{ .timeoutSeconds }}
failureThreshold: {{ .failureThreshold }}
{{- end -}}

{{/*
Checks across several values that the schema cannot express. Rendered (empty) from validate.yaml.
*/}}
{{- define "todo-chatbot.validate" -}}
{{- $seen := dict -}}
{{- range $component := include "todo-chatbot.appComponents" . | fromJsonArray -}}
{{- $values := index $.Values $component -}}
{{- $service := $values.service -}}
{{- if and (ne $service.type "ClusterIP") (not (kindIs "invalid" $service.nodePort)) -}}
{{- $port := toString $service.nodePort -}}
{{- if hasKey $seen $port -}}
{{- fail (printf "%s.service.nodePort and %s.service.nodePort are both %s; each Service needs its own node port" (get $seen $port) $component $port) -}}
{{- end -}}
{{- $_ := set $seen $port $component -}}
{{- end -}}
{{- if and $values.autoscaling.enabled (gt (int $values.autoscaling.minReplicas) (int $values.autoscaling.maxReplicas)) -}}
{{- fail (printf "%s.autoscaling.minReplicas (%v) is greater than maxReplicas (%v)" $component $values.autoscaling.minReplicas $values.autoscaling.maxReplicas) -}}
{{- end -}}
{{- end -}}
{{- if and .Values.ingress.enabled .Values.ingress.tls.enabled (not .Values.ingress.tls.secretName) -}}
{{- fail "ingress.tls.enabled needs ingress.tls.secretName: the kubernetes.io/tls Secret holding the certificate" -}}
{{- end -}}
{{- end -}}

{{/*
Metadata of a pod template: the full label set, the checksums of what the component reads, and
its own podAnnotations. Shared by the app Deployments and the PostgreSQL StatefulSet.
Call with (dict "ctx" $ "component" "backend").
*/}}
{{- define "todo-chatbot.podTemplateMetadata" -}}
labels:
  {{- include "todo-chatbot.labels" . | nindent 2 }}
annotations:
  {{- include "todo-chatbot.checksumAnnotations" . | nindent 2 }}
  {{- /* The app services answer GET /metrics on their own port (PostgreSQL does not). */}}
  {{- if and .ctx.Values.metrics.podAnnotations (has .component (include "todo-chatbot.appComponents" .ctx | fromJsonArray)) }}
  prometheus.io/scrape: "true"
  prometheus.io/port: {{ (index .ctx.Values .component).containerPort | quote }}
  prometheus.io/path: {{ .ctx.Values.metrics.path | quote }}
  {{- end }}
  {{- with (index .ctx.Values .component).podAnnotations }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/*
The start of every long-running pod spec: service account, no token, no Service environment
variables (the app sees only its own settings), pull secrets, and the merged pod security context.
Call with (dict "ctx" $ "component" "backend").
*/}}
{{- define "todo-chatbot.podSpecCommon" -}}
{{- $ctx := .ctx -}}
{{- with $ctx.Values.serviceAccountName }}
serviceAccountName: {{ . }}
{{- end }}
automountServiceAccountToken: false
enableServiceLinks: false
{{- with $ctx.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- include "todo-chatbot.podSecurityContext" (dict "ctx" $ctx "own" (index $ctx.Values .component).podSecurityContext) | nindent 2 }}
{{- end -}}

{{/*
Where a component's pods may run: its nodeSelector, affinity and tolerations, each only when set.
Call with (dict "ctx" $ "component" "backend").
*/}}
{{- define "todo-chatbot.podScheduling" -}}
{{- $values := index .ctx.Values .component -}}
{{- with $values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
Deployment update strategy of an app component. rollingUpdate only goes with RollingUpdate: the
API server refuses it beside Recreate. Call with the component's strategy block.
*/}}
{{- define "todo-chatbot.deploymentStrategy" -}}
type: {{ .type }}
{{- if eq .type "RollingUpdate" }}
rollingUpdate:
  maxSurge: {{ .rollingUpdate.maxSurge }}
  maxUnavailable: {{ .rollingUpdate.maxUnavailable }}
{{- end }}
{{- end -}}
