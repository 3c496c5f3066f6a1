{{/* Names, labels and the parts the three Deployments and the migration Job share. */}}

{{- define "loyalty.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "loyalty.fullname" -}}
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

{{/* The name of a component's objects: (dict "root" $ "component" "command"). */}}
{{- define "loyalty.componentName" -}}
{{- printf "%s-%s" (include "loyalty.fullname" .root | trunc 54 | trimSuffix "-") .component -}}
{{- end -}}

{{- define "loyalty.selectorLabels" -}}
app.kubernetes.io/name: {{ include "loyalty.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end -}}

{{/* Labels of every object: (dict "root" $ "component" "command"); component may be empty. */}}
{{- define "loyalty.labels" -}}
{{ include "loyalty.selectorLabels" . }}
app.kubernetes.io/part-of: loyalty
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "loyalty.image" -}}
{{- $image := .Values.image -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $image.repository $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $image.repository (default .Chart.AppVersion $image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "loyalty.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "loyalty.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "loyalty.accessPolicyConfigMap" -}}
{{- $made := printf "%s-access-policy" (include "loyalty.fullname" .) -}}
{{- default $made .Values.accessPolicy.configMapName -}}
{{- end -}}

{{/*
A container's environment variable FLAGS_<flag>, for absl's --fromenv, from a Secret's key:
(dict "flag" "database_url" "secret" .Values.database), the secret holding secretName, secretKey.
*/}}
{{- define "loyalty.flagFromSecret" -}}
- name: FLAGS_{{ .flag }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret.secretName }}
      key: {{ .secret.secretKey }}
{{- end -}}

{{/* The call-handling flags of command and query, from their values. */}}
{{- define "loyalty.callArgs" -}}
- --pool_size={{ int .poolSize }}
- --workers={{ int .workers }}
- --max_queued_calls={{ int .maxQueuedCalls }}
{{- end -}}

{{/* The pod's security context: non-root and the runtime's default seccomp profile, always. */}}
{{- define "loyalty.podSecurityContext" -}}
runAsNonRoot: true
{{- with .Values.podSecurityContext }}
{{- if not (kindIs "invalid" .runAsUser) }}
runAsUser: {{ .runAsUser }}
{{- end }}
{{- if not (kindIs "invalid" .runAsGroup) }}
runAsGroup: {{ .runAsGroup }}
{{- end }}
{{- if not (kindIs "invalid" .fsGroup) }}
fsGroup: {{ .fsGroup }}
{{- end }}
{{- end }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* A container's security context: nothing to escalate, nothing to write, no capability. */}}
{{- define "loyalty.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Scheduling and identity shared by every pod of the release (but the service account). */}}
{{- define "loyalty.podCommon" -}}
automountServiceAccountToken: false
enableServiceLinks: false
securityContext:
  {{- include "loyalty.podSecurityContext" . | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
