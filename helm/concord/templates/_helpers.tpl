{{- define "concord.labels" -}}
app.kubernetes.io/name: concord
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}
{{- define "concord.env" -}}
- name: CONCORD_ROOT
  value: /srv/concord
- name: CONCORD_PUBLIC_URL
  value: {{ .Values.publicUrl | quote }}
- name: CONCORD_TENANT_DELETE_GRACE
  value: {{ .Values.tenantDeleteGraceSeconds | quote }}
- name: CONCORD_KEYS_DIR
  value: /srv/concord/keys
{{- end -}}
