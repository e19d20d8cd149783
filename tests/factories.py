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
