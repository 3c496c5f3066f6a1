{{/*
The Deployment of one service. Takes a dict:
  root       the chart's root context ($)
  component  command, query or worker
  values     the component's values (.Values.command, ...)
  binary     the executable in /usr/local/bin
  args       its arguments but the TLS and extra ones
  env        more environment variables (a list), e.g. FLAGS_database_url
  ports      container ports: a list of (dict "name" "grpc" "port" 50051)
  tls        true: the service takes mutual TLS flags (command and query)
  partners   true: the service calls partners' gateways (command and worker; partners.secretName)
  serves     true: the pods are a Service's endpoints for calls (preStop sleeps)
*/}}
{{- define "loyalty.deployment" -}}
{{- $root := .root -}}
{{- $v := .values -}}
{{- $tls := and .tls $root.Values.tls.enabled -}}
{{- $clientCaDir := ternary "client-ca" "tls" (not (empty $root.Values.tls.clientCaSecretName)) -}}
{{- $policy := $root.Values.accessPolicy -}}
{{- $partnerTls := and .partners $root.Values.partners.secretName -}}
{{- $context := dict "root" $root "component" .component -}}
{{- /* The kubelet kills the process at the grace period's end: it must cover the preStop sleep,
the calls' drain and the 7 s a shutdown takes after it (rpc::StopServers). */}}
{{- $needed := add (ternary (int $root.Values.preStopSleepSeconds) 0 (not (not .serves)))
  (int $root.Values.shutdownGraceSeconds) 7 -}}
{{- if lt (int $root.Values.terminationGracePeriodSeconds) (int $needed) -}}
{{- fail (printf "terminationGracePeriodSeconds (%d) is below the %d s a %s pod may take to stop (preStopSleepSeconds + shutdownGraceSeconds + 7)" (int $root.Values.terminationGracePeriodSeconds) (int $needed) .component) -}}
{{- end -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "loyalty.componentName" $context }}
  labels:
    {{- include "loyalty.labels" $context | nindent 4 }}
spec:
  {{- if not (and $v.autoscaling $v.autoscaling.enabled) }}
  replicas: {{ $v.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "loyalty.selectorLabels" $context | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "loyalty.selectorLabels" $context | nindent 8 }}
        {{- with $root.Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- $annotations := deepCopy (default (dict) $v.podAnnotations) }}
      {{- if $root.Values.database.create }}
      {{- /* The URL is read at start: a changed URL rolls the pods. */}}
      {{- $_ := set $annotations "checksum/database" ($root.Values.database.url | sha256sum) }}
      {{- end }}
      {{- with $annotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "loyalty.serviceAccountName" $root }}
      {{- include "loyalty.podCommon" $root | nindent 6 }}
      {{- with $root.Values.topologySpreadConstraints }}
      {{- /* A constraint without a labelSelector counts this component's pods. */}}
      {{- $own := dict "matchLabels" (include "loyalty.selectorLabels" $context | fromYaml) }}
      {{- $constraints := list }}
      {{- range . }}
      {{- $constraints = append $constraints (merge (dict) . (dict "labelSelector" $own)) }}
      {{- end }}
      topologySpreadConstraints:
        {{- toYaml $constraints | nindent 8 }}
      {{- end }}
      terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
      containers:
        - name: {{ .component }}
          image: {{ include "loyalty.image" $root }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          command: [/usr/local/bin/{{ .binary }}]
          args:
            {{- range .args }}
            - {{ . | quote }}
            {{- end }}
            - "--health_listen=0.0.0.0:8081"
            - "--shutdown_grace_ms={{ mul (int $root.Values.shutdownGraceSeconds) 1000 }}"
            {{- if $tls }}
            - "--tls_cert=/etc/loyalty/tls/tls.crt"
            - "--tls_key=/etc/loyalty/tls/tls.key"
            - "--tls_client_ca=/etc/loyalty/{{ $clientCaDir }}/{{ $root.Values.tls.clientCaKey }}"
            - "--access_policy=/etc/loyalty/access-policy/{{ $policy.configMapKey }}"
            - "--max_calls_per_caller={{ int $policy.maxCallsPerCaller }}"
            {{- else if .tls }}
            - "--insecure_plaintext"
            {{- end }}
            {{- if $partnerTls }}
            - "--partner_tls_cert=/etc/loyalty/partner-tls/tls.crt"
            - "--partner_tls_key=/etc/loyalty/partner-tls/tls.key"
            - "--partner_tls_ca=/etc/loyalty/partner-tls/{{ $root.Values.partners.caKey }}"
            {{- end }}
            {{- range $v.extraArgs }}
            - {{ . | quote }}
            {{- end }}
          env:
            {{- with .env }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
            {{- with $v.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          ports:
            {{- range .ports }}
            - name: {{ .name }}
              containerPort: {{ .port }}
              protocol: TCP
            {{- end }}
            - name: health
              containerPort: 8081
              protocol: TCP
          livenessProbe:
            grpc:
              port: 8081
              service: liveness
            {{- toYaml $root.Values.probes.liveness | nindent 12 }}
          readinessProbe:
            grpc:
              port: 8081
              service: readiness
            {{- toYaml $root.Values.probes.readiness | nindent 12 }}
          {{- if and .serves $root.Values.preStopSleepSeconds }}
          lifecycle:
            preStop:
              sleep:
                seconds: {{ $root.Values.preStopSleepSeconds }}
          {{- end }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            {{- include "loyalty.containerSecurityContext" $root | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if $tls }}
            # Whole directories, never subPath: the kubelet swaps a Secret's or ConfigMap's files
            # at once (its ..data symlink) and the services re-read them.
            - name: tls
              mountPath: /etc/loyalty/tls
              readOnly: true
            {{- if $root.Values.tls.clientCaSecretName }}
            - name: client-ca
              mountPath: /etc/loyalty/client-ca
              readOnly: true
            {{- end }}
            - name: access-policy
              mountPath: /etc/loyalty/access-policy
              readOnly: true
            {{- end }}
            {{- if $partnerTls }}
            - name: partner-tls
              mountPath: /etc/loyalty/partner-tls
              readOnly: true
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            medium: Memory
            sizeLimit: 16Mi
        {{- if $tls }}
        - name: tls
          secret:
            secretName: {{ $root.Values.tls.secretName }}
            defaultMode: 0440
        {{- if $root.Values.tls.clientCaSecretName }}
        - name: client-ca
          secret:
            secretName: {{ $root.Values.tls.clientCaSecretName }}
            defaultMode: 0440
        {{- end }}
        - name: access-policy
          configMap:
            name: {{ include "loyalty.accessPolicyConfigMap" $root }}
        {{- end }}
        {{- if $partnerTls }}
        - name: partner-tls
          secret:
            secretName: {{ $root.Values.partners.secretName }}
            defaultMode: 0440
        {{- end }}
{{- end -}}
