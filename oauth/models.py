"""OAuth apps: an organization's OAuth client registration for one piece."""

from django.db import models

from connections.fields import EncryptedJSONField
from connections.models import Piece
from orgs.models import Organization
from weavz.api.ids import id_field
from weavz.api.timestamps import UpdatedAtField, created_at_field


class OAuthApp(models.Model):
    """The client id and (sealed) client secret an org registered with a provider.

    The secret is stored as ``{"client_secret": …}`` in the same encrypted field as connection
    values, so key rotation and verification find it by the field's type.
    """

    id = id_field("oapp")
    org = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="oauth_apps", db_index=False
    )
    piece = models.ForeignKey(Piece, on_delete=models.PROTECT, related_name="oauth_apps")
    client_id = models.CharField(max_length=255)
    client_secret = EncryptedJSONField(label="oauth.client_secret")
    scopes = models.JSONField(default=list, blank=True)
    created_at = created_at_field()
    updated_at = UpdatedAtField()

    class Meta:
        verbose_name = "OAuth app"
        constraints = [
            models.UniqueConstraint(fields=["org", "piece"], name="oauth_app_unique_piece")
        ]
        indexes = [models.Index(fields=["org", "-id"], name="oauth_app_org_page")]

    def __str__(self) -> str:
        return f"{self.piece_id} OAuth app ({self.id})"

    def __repr__(self) -> str:
        return f"<OAuthApp {self.id} piece={self.piece_id}>"

    def decrypted_client_secret(self) -> str:
        """The plaintext secret. Call only where it is sent to the provider."""
        field = self._meta.get_field("client_secret")
        assert isinstance(field, EncryptedJSONField)
        secret: str = field.unseal(self)["client_secret"]
        return secret
