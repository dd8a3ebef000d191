namespace Crm.Platform.Web;

/// <summary>Codes the host itself answers with (domain codes come from the domain's exceptions).</summary>
public static class ProblemCodes
{
    public const string MalformedJson = "request.malformed_json";
    public const string InvalidBody = "validation.failed";
    public const string UnsupportedMediaType = "request.unsupported_media_type";
    public const string TooLarge = "request.too_large";
    public const string NotAuthenticated = "auth.not_authenticated";
    public const string InvalidToken = "auth.invalid_token";
    public const string TokenExpired = "auth.token_expired";
    public const string Forbidden = "auth.forbidden";
    public const string PermissionDenied = "permission.denied";
    public const string RateLimited = "rate_limit.exceeded";
    public const string RouteNotFound = "route.not_found";
    public const string MethodNotAllowed = "route.method_not_allowed";
    public const string BadRequest = "request.invalid";
    public const string Internal = "server.error";
}
