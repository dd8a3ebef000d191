using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Storage.Records;

namespace Crm.Platform.Web;

/// <summary>
/// The authenticated user behind a request and what they may do; the tenant comes from the
/// credential only. A partner system calling with an API key acts as the key's creator, with the
/// key's own permissions and scope (<see cref="ApiKeyId"/> names it in the audit trail).
/// </summary>
public sealed record Caller(string TenantId, string UserId, AccessProfile Access, string? SourceIp, string? ApiKeyId = null)
{
    public bool IsSuperAdmin => Access.IsSuperAdmin;

    /// <summary>An import row's idempotency mark, passed to the create it makes (see <see cref="WriteContext.Mark"/>).</summary>
    public WriteMark? Mark { get; init; }

    /// <summary>An import's dry run: every write is checked, none is stored.</summary>
    public bool DryRun { get; init; }

    public WriteContext Write(TimeProvider clock) => new(TenantId, UserId, SourceIp, clock.GetUtcNow(), ApiKeyId) { Mark = Mark, DryRun = DryRun };

    public void Require(string permission)
    {
        if (!Access.Has(permission))
        {
            throw new ForbiddenException(ProblemCodes.PermissionDenied, $"This needs the permission '{permission}'.");
        }
    }
}

public static class CallerHttpContextExtensions
{
    private const string Key = "crm.caller";

    public static Caller Caller(this HttpContext context) =>
        context.Items[Key] as Caller ?? throw new UnauthorizedException(ProblemCodes.NotAuthenticated, "Sign in first.");

    public static Caller? FindCaller(this HttpContext context) => context.Items[Key] as Caller;

    public static void SetCaller(this HttpContext context, Caller caller) => context.Items[Key] = caller;
}
