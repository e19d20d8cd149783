"""Contains all the data models used in inputs/outputs"""

from .action_name import ActionName
from .audit_event import AuditEvent
from .audit_event_metadata import AuditEventMetadata
from .audit_event_page import AuditEventPage
from .basic_auth_value import BasicAuthValue
from .basic_auth_value_type import BasicAuthValueType
from .connect_session import ConnectSession
from .connect_session_create_request import ConnectSessionCreateRequest
from .connect_session_status import ConnectSessionStatus
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
from .execute_request import ExecuteRequest
from .execution import Execution
from .get_connection_include import GetConnectionInclude
from .http_method import HttpMethod
from .http_request_input_request import HttpRequestInputRequest
from .http_request_input_request_headers import HttpRequestInputRequestHeaders
from .http_request_input_request_query import HttpRequestInputRequestQuery
from .new_connect_session import NewConnectSession
from .no_auth_value import NoAuthValue
from .no_auth_value_type import NoAuthValueType
from .o_auth_2_settings import OAuth2Settings
from .o_auth_2_value import OAuth2Value
from .o_auth_2_value_data import OAuth2ValueData
from .o_auth_2_value_type import OAuth2ValueType
from .o_auth_app import OAuthApp
from .o_auth_app_create_request import OAuthAppCreateRequest
from .o_auth_app_page import OAuthAppPage
from .output import Output
from .output_headers import OutputHeaders
from .patched_connection_update_request import PatchedConnectionUpdateRequest
from .patched_o_auth_app_update_request import PatchedOAuthAppUpdateRequest
from .patched_webhook_endpoint_update_request import PatchedWebhookEndpointUpdateRequest
from .piece import Piece
from .piece_auth import PieceAuth
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
from .token_auth_method_enum import TokenAuthMethodEnum
from .value_type import ValueType
from .webhook_delivery import WebhookDelivery
from .webhook_delivery_page import WebhookDeliveryPage
from .webhook_delivery_status import WebhookDeliveryStatus
from .webhook_endpoint import WebhookEndpoint
from .webhook_endpoint_create_request import WebhookEndpointCreateRequest
from .webhook_endpoint_page import WebhookEndpointPage
from .webhook_endpoint_with_secret import WebhookEndpointWithSecret
from .webhook_event_type import WebhookEventType

__all__ = (
    "ActionName",
    "AuditEvent",
    "AuditEventMetadata",
    "AuditEventPage",
    "BasicAuthValue",
    "BasicAuthValueType",
    "Connection",
    "ConnectionCreateRequest",
    "ConnectionPage",
    "ConnectionStatus",
    "ConnectSession",
    "ConnectSessionCreateRequest",
    "ConnectSessionStatus",
    "CustomAuthValue",
    "CustomAuthValueProps",
    "CustomAuthValueType",
    "ErrorCode",
    "ErrorEnvelope",
    "ErrorEnvelopeError",
    "ErrorEnvelopeErrorDetails",
    "ExecuteRequest",
    "Execution",
    "GetConnectionInclude",
    "HttpMethod",
    "HttpRequestInputRequest",
    "HttpRequestInputRequestHeaders",
    "HttpRequestInputRequestQuery",
    "NewConnectSession",
    "NoAuthValue",
    "NoAuthValueType",
    "OAuth2Settings",
    "OAuth2Value",
    "OAuth2ValueData",
    "OAuth2ValueType",
    "OAuthApp",
    "OAuthAppCreateRequest",
    "OAuthAppPage",
    "Output",
    "OutputHeaders",
    "PatchedConnectionUpdateRequest",
    "PatchedOAuthAppUpdateRequest",
    "PatchedWebhookEndpointUpdateRequest",
    "Piece",
    "PieceAuth",
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
    "TokenAuthMethodEnum",
    "ValueType",
    "WebhookDelivery",
    "WebhookDeliveryPage",
    "WebhookDeliveryStatus",
    "WebhookEndpoint",
    "WebhookEndpointCreateRequest",
    "WebhookEndpointPage",
    "WebhookEndpointWithSecret",
    "WebhookEventType",
)
