using Microsoft.AspNetCore.Authentication;

namespace Crm.Platform.Auth;

/// <summary>
/// Why an API key or an Entra ID token was refused, carried from the authentication handler to its
/// challenge, which answers with this status and problem code (401, or 403 for a stranger's valid token).
/// </summary>
public sealed class CredentialRejectedException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
}

/// <summary>The challenge the API key and Entra ID schemes share: the failure's problem, never a bare 401.</summary>
public abstract class CredentialHandler<TOptions>(Microsoft.Extensions.Options.IOptionsMonitor<TOptions> options, ILoggerFactory logger,
    System.Text.Encodings.Web.UrlEncoder encoder) : AuthenticationHandler<TOptions>(options, logger, encoder)
    where TOptions : AuthenticationSchemeOptions, new()
{
    protected abstract string ChallengeHint { get; }

    /// <summary>The <c>WWW-Authenticate</c> scheme a 401 names.</summary>
    protected virtual string ChallengeScheme => "Bearer";

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var failure = result.Failure as CredentialRejectedException
            ?? new CredentialRejectedException(401, Web.ProblemCodes.NotAuthenticated, ChallengeHint);
        if (failure.Status == 401)
        {
            Response.Headers.WWWAuthenticate = ChallengeScheme;
        }
        await Web.ProblemWriter.WriteAsync(Context, failure.Status, failure.Code, failure.Status == 401 ? "Not authenticated" : "Forbidden", failure.Message);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Web.ProblemWriter.WriteAsync(Context, 403, Web.ProblemCodes.Forbidden, "Forbidden", "Not allowed.");
}
