{{/* Names and labels shared by every manifest of the chart. */}}

{{- define "app.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "app.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "app.labels" -}}
{{ include "app.selectorLabels" . }}
app.kubernetes.io/version: {{ (default .Chart.AppVersion .Values.image.tag) | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* The worker's own selector: the web selector (name, instance) must not match its pods. */}}
{{- define "app.workerSelectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}-worker
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: worker
{{- end -}}

{{- define "app.workerLabels" -}}
{{ include "app.workerSelectorLabels" . }}
app.kubernetes.io/part-of: {{ .Chart.Name }}
app.kubernetes.io/version: {{ (default .Chart.AppVersion .Values.image.tag) | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "app.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}
{{- end -}}
{{- end -}}

{{/* The Secret holding DATABASE_URL, APP_SECRET_KEY (and REDIS_URL): created outside the chart. */}}
{{- define "app.secretName" -}}
{{- default (include "app.fullname" .) .Values.secret.name -}}
{{- end -}}

{{/* Non-secret settings, plus the drain timeout that terminationGracePeriodSeconds is derived from. */}}
{{- define "app.config" -}}
APP_SHUTDOWN_TIMEOUT_SECONDS: {{ .Values.shutdown.drainSeconds | quote }}
{{- if .Values.authKeys.enabled }}
AUTH_KEYS_DIR: {{ .Values.authKeys.mountPath | quote }}
{{- with .Values.authKeys.signingKeyId }}
AUTH_SIGNING_KEY_ID: {{ . | quote }}
{{- end }}
{{- end }}
{{- if .Values.worker.enabled }}
JOBS_SHUTDOWN_TIMEOUT_SECONDS: {{ .Values.worker.drainSeconds | quote }}
JOBS_HEALTH_PORT: {{ .Values.worker.healthPort | quote }}
{{- end }}
{{- range $name, $value := .Values.config }}
{{ $name }}: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/* preStop sleep + drain + margin for the lifespan shutdown (closing pools), so SIGKILL never cuts a drain short. */}}
{{- define "app.terminationGracePeriodSeconds" -}}
{{- add .Values.shutdown.preStopSeconds .Values.shutdown.drainSeconds .Values.shutdown.marginSeconds -}}
{{- end -}}

{{- define "app.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "app.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}
