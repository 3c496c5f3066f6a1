{{/* The Service of one component: (dict "root" $ "component" "command" "values" ... "ports" ...). */}}
{{- define "loyalty.service" -}}
{{- $context := dict "root" .root "component" .component -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "loyalty.componentName" $context }}
  labels:
    {{- include "loyalty.labels" $context | nindent 4 }}
  {{- with .values.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ .values.service.type }}
  selector:
    {{- include "loyalty.selectorLabels" $context | nindent 4 }}
  ports:
    {{- range .ports }}
    - name: {{ .name }}
      port: {{ .port }}
      targetPort: {{ .name }}
      protocol: TCP
      {{- if ne .name "metrics" }}
      appProtocol: grpc
      {{- end }}
    {{- end }}
{{- end -}}
