using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Domain.Common;
using ValidationException = Crm.Domain.Common.ValidationException;
using Crm.Functions.Hosting;

namespace Crm.Functions.Records;

/// <summary>Validation at the edge: data annotations on request records, errors keyed by JSON field.</summary>
internal static class RequestValidation
{
    public static T Validate<T>(T input) where T : notnull
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(input, new ValidationContext(input), results, validateAllProperties: true))
        {
            throw new ValidationException(results
                .SelectMany(r => (r.MemberNames.Any() ? r.MemberNames : [""]).Select(m => (Field: JsonNamingPolicy.CamelCase.ConvertName(m), r.ErrorMessage ?? "Invalid.")))
                .GroupBy(e => e.Field)
                .ToDictionary(g => g.Key, g => g.Select(e => e.Item2).ToArray()));
        }
        return input;
    }

    /// <summary>Reads a JSON value into a request record with the API's strict rules (unknown fields refused).</summary>
    public static T Bind<T>(JsonNode? node, string path = "")
    {
        try
        {
            return node.Deserialize<T>(CrmJson.Options) ?? throw new ValidationException(path.Length == 0 ? "$" : path, "Required.");
        }
        catch (JsonException e)
        {
            var errors = JsonErrors.From(e).ToDictionary(kv => path.Length == 0 ? kv.Key : $"{path}.{kv.Key}", kv => kv.Value);
            throw new ValidationException(errors);
        }
    }
}
