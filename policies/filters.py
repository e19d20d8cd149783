import django_filters

from policies.models import ConnectionPolicy


class PolicyFilter(django_filters.FilterSet):
    pieceName = django_filters.CharFilter(field_name="piece_id")
    projectId = django_filters.CharFilter(field_name="project_id")

    class Meta:
        model = ConnectionPolicy
        fields = ["pieceName", "projectId"]
