using System.Text.Json.Nodes;

namespace Crm.Platform.Web;

/// <summary>A PATCH merges (RFC 7386) into <see cref="Changes"/>, the editable view its handler applies the patch to.</summary>
public sealed record MergePatchBody(Type Changes);

/// <summary>A batch update whose items patch the editable view <see cref="Changes"/>.</summary>
public sealed record BatchPatchBody(Type Changes);

/// <summary>A batch create of <see cref="Input"/> items; the handler binds each item as a JSON element, to check it on its own.</summary>
public sealed record BatchCreateBody(Type Input);

/// <summary>The equality filters a list takes as query parameters; <see cref="Record"/> gives their types.</summary>
public sealed record ListFilters(Type Record, IReadOnlyCollection<string> Fields);

/// <summary>The answer is a file of one of these media types.</summary>
public sealed record FileDownload(IReadOnlyList<string> ContentTypes);

/// <summary>The endpoint honours If-Match (a POST action on one record; PATCH, PUT and DELETE always do).</summary>
public sealed record ChecksIfMatch;

/// <summary>The parts of a multipart/form-data body, as the document shows them (the handler reads the form itself).</summary>
public interface IMultipartForm;

/// <summary>An anonymous endpoint that needs a key of its own instead (the platform key).</summary>
public sealed record KeyHeaderSecurity(string Scheme);

/// <summary>What the OpenAPI document needs to know that the handler's signature does not say.</summary>
public static class OpenApiEndpointExtensions
{
    public static RouteHandlerBuilder AcceptsMergePatch(this RouteHandlerBuilder endpoint, Type changes) =>
        endpoint.Accepts<JsonObject>("application/merge-patch+json", "application/json").WithMetadata(new MergePatchBody(changes));

    public static RouteHandlerBuilder AcceptsMergePatch<TChanges>(this RouteHandlerBuilder endpoint) => endpoint.AcceptsMergePatch(typeof(TChanges));

    public static RouteHandlerBuilder ProducesFile(this RouteHandlerBuilder endpoint, params string[] contentTypes) =>
        endpoint.WithMetadata(new FileDownload(contentTypes));

    public static RouteHandlerBuilder ChecksIfMatch(this RouteHandlerBuilder endpoint) => endpoint.WithMetadata(new ChecksIfMatch());
}
