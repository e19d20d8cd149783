from django.db import models

from connections.fields import EncryptedJSONField
from orgs.models import Organization
from weavz.api.ids import id_field


class Vault(models.Model):
    """Like an OAuth app's client secret: an org's row with a nullable sealed column."""

    id = id_field("vlt")
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    secret = EncryptedJSONField(label="sealed_app.secret", null=True)

    def __str__(self) -> str:
        return self.id
