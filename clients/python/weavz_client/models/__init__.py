"""Contains all the data models used in inputs/outputs"""

from .audit_event import AuditEvent
from .audit_event_metadata import AuditEventMetadata
from .audit_event_page import AuditEventPage
from .basic_auth_value import BasicAuthValue
from .basic_auth_value_type import BasicAuthValueType
from .connection import Connection
from .connection_create_request import ConnectionCreateRequest
from .connection_page import ConnectionPage
from .connection_status import ConnectionStatus
from .custom_auth_value import CustomAuthValue
from .custom_auth_value_props import CustomAuthValueProps
from .custom_auth_value_type import CustomAuthValueType
from .error_code import ErrorCode
from .error_envelope import ErrorEnvelope
from .error_envelope_error import ErrorEnvelopeError
from .error_envelope_error_details import ErrorEnvelopeErrorDetails
from .get_connection_include import GetConnectionInclude
from .no_auth_value import NoAuthValue
from .no_auth_value_type import NoAuthValueType
from .o_auth_2_value import OAuth2Value
from .o_auth_2_value_data import OAuth2ValueData
from .o_auth_2_value_type import OAuth2ValueType
from .o_auth_app import OAuthApp
from .o_auth_app_create_request import OAuthAppCreateRequest
from .o_auth_app_page import OAuthAppPage
from .patched_connection_update_request import PatchedConnectionUpdateRequest
from .patched_o_auth_app_update_request import PatchedOAuthAppUpdateRequest
from .piece import Piece
from .piece_page import PiecePage
from .piece_props import PieceProps
from .policy import Policy
from .policy_page import PolicyPage
from .policy_put_request import PolicyPutRequest
from .policy_type import PolicyType
from .project import Project
from .project_create_request import ProjectCreateRequest
from .project_page import ProjectPage
from .resolution import Resolution
from .resolution_source import ResolutionSource
from .resolve_request import ResolveRequest
from .revealed_connection import RevealedConnection
from .secret_text_value import SecretTextValue
from .secret_text_value_type import SecretTextValueType
from .success import Success
from .value_type import ValueType

__all__ = (
    "AuditEvent",
    "AuditEventMetadata",
    "AuditEventPage",
    "BasicAuthValue",
    "BasicAuthValueType",
    "Connection",
    "ConnectionCreateRequest",
    "ConnectionPage",
    "ConnectionStatus",
    "CustomAuthValue",
    "CustomAuthValueProps",
    "CustomAuthValueType",
    "ErrorCode",
    "ErrorEnvelope",
    "ErrorEnvelopeError",
    "ErrorEnvelopeErrorDetails",
    "GetConnectionInclude",
    "NoAuthValue",
    "NoAuthValueType",
    "OAuth2Value",
    "OAuth2ValueData",
    "OAuth2ValueType",
    "OAuthApp",
    "OAuthAppCreateRequest",
    "OAuthAppPage",
    "PatchedConnectionUpdateRequest",
    "PatchedOAuthAppUpdateRequest",
    "Piece",
    "PiecePage",
    "PieceProps",
    "Policy",
    "PolicyPage",
    "PolicyPutRequest",
    "PolicyType",
    "Project",
    "ProjectCreateRequest",
    "ProjectPage",
    "Resolution",
    "ResolutionSource",
    "ResolveRequest",
    "RevealedConnection",
    "SecretTextValue",
    "SecretTextValueType",
    "Success",
    "ValueType",
)
