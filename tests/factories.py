import factory

from orgs.models import Organization, Project


class OrganizationFactory(factory.django.DjangoModelFactory):  # type: ignore[type-arg]
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Org {n}")


class ProjectFactory(factory.django.DjangoModelFactory):  # type: ignore[type-arg]
    class Meta:
        model = Project

    org = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Project {n}")


class ConnectionFactory(factory.django.DjangoModelFactory):  # type: ignore[type-arg]
    class Meta:
        model = "connections.Connection"

    org = factory.SubFactory(OrganizationFactory)
    piece_id = "openai"
    display_name = factory.Sequence(lambda n: f"Connection {n}")
    value_type = "SECRET_TEXT"
    value = factory.LazyFunction(lambda: {"type": "SECRET_TEXT", "secret_text": "sk-factory"})


class PolicyFactory(factory.django.DjangoModelFactory):  # type: ignore[type-arg]
    class Meta:
        model = "policies.ConnectionPolicy"

    org = factory.SubFactory(OrganizationFactory)
    piece_id = "slack"
    type = "USER_REQUIRED"
