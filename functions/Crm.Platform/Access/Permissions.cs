using Crm.Domain.Access;
using Crm.Platform.Web;

namespace Crm.Platform.Access;

/// <summary>
/// What an endpoint declares it needs: an operation permission, or (<see cref="Permission"/> null)
/// only a signed-in caller. Every authenticated endpoint declares one; a test enforces it.
/// </summary>
public sealed record RequiredPermission(string? Permission);

public static class PermissionEndpointExtensions
{
    /// <summary>The caller needs <paramref name="permission"/>; the most specific declaration wins.</summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, string permission) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredPermission(permission));

    /// <summary>Any signed-in caller may call it (their own profile, sign-out...); data rules still apply inside.</summary>
    public static TBuilder AnyCaller<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredPermission(null));
}

/// <summary>Refuses, before any body is read, a caller who lacks the endpoint's declared permission.</summary>
public sealed class PermissionMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiredPermission>() is { Permission: { } permission }
            && context.FindCaller() is { } caller && !caller.Access.Has(permission))
        {
            await ProblemWriter.WriteAsync(context, 403, ProblemCodes.PermissionDenied, "Forbidden", $"This needs the permission '{permission}'.");
            return;
        }
        await next(context);
    }
}
