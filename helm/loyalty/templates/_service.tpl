{{/*
The Service of one component: (dict "root" $ "component" "command" "service" .Values.command.service
"ports" (list (dict "name" "grpc" "port" 50051) ...)).
*/}}
{{- define "loyalty.service" -}}
{{- $context := dict "root" .root "component" .component -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "loyalty.componentName" $context }}
  labels:
    {{- include "loyalty.labels" $context | nindent 4 }}
  {{- with .service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ .service.type }}
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
