import django_filters

from connections.models import Connection, ConnectionStatus


class ConnectionFilter(django_filters.FilterSet):
    pieceName = django_filters.CharFilter(field_name="piece_id")
    projectId = django_filters.CharFilter(field_name="project_id")
    externalId = django_filters.CharFilter(field_name="external_id")
    status = django_filters.ChoiceFilter(choices=ConnectionStatus.choices)

    class Meta:
        model = Connection
        fields = ["pieceName", "projectId", "externalId", "status"]
