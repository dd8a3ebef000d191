using System.Reflection;
using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Http.Metadata;

namespace Crm.Platform.Records;

/// <summary>
/// A record answer shaped by the caller's field rules (hidden fields left out, masked ones masked).
/// The body is JSON built per caller, or the record itself when no rule touches it (<see cref="RecordShape.Answer"/>);
/// OpenAPI still shows <typeparamref name="TSchema"/>.
/// </summary>
public sealed class RecordJson<TSchema>(object body, int status = StatusCodes.Status200OK, string? location = null)
    : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult
{
    public int? StatusCode => status;

    public object? Value => body;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (location is not null)
        {
            httpContext.Response.Headers.Location = location;
        }
        return TypedResults.Json(body, CrmJson.Options, statusCode: status).ExecuteAsync(httpContext);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(TSchema), ["application/json"]));
}

/// <summary>A record just made: 201 with its Location, shaped by the caller's field rules like <see cref="RecordJson{TSchema}"/>.</summary>
public sealed class CreatedRecordJson<TSchema>(object body, string location) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult
{
    private readonly RecordJson<TSchema> _answer = new(body, StatusCodes.Status201Created, location);

    public int? StatusCode => StatusCodes.Status201Created;

    public object? Value => body;

    public Task ExecuteAsync(HttpContext httpContext) => _answer.ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status201Created, typeof(TSchema), ["application/json"]));
}

public static class RecordShape
{
    /// <summary>The record as the caller may see it (the entity of field rules is the record type's table).</summary>
    public static JsonObject Of<T>(Caller caller, string entity, T record) where T : RecordBase =>
        FieldRules.Apply(CrmJson.ToObject(record), caller.Access.FieldRulesFor(entity));

    /// <summary>
    /// What a single-record answer writes: the record as it is when the caller has no field rules for it
    /// (serialised straight to the response, without building it as a JSON tree first), else <see cref="Of"/>.
    /// </summary>
    public static object Answer<T>(Caller caller, string entity, T record) where T : RecordBase =>
        caller.Access.FieldRulesFor(entity).Count == 0 ? record : Of(caller, entity, record);

    public static JsonObject Page<T>(Caller caller, string entity, Page<T> page) where T : RecordBase => new()
    {
        ["items"] = new JsonArray([.. page.Items.Select(r => (JsonNode)Of(caller, entity, r))]),
        ["nextCursor"] = page.NextCursor,
    };
}
