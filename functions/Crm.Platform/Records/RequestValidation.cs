using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Platform.Web;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Platform.Records;

/// <summary>Validation at the edge: data annotations on request records, errors keyed by JSON field.</summary>
public static class RequestValidation
{
    public static T Validate<T>(T input) where T : notnull
    {
        var errors = new Dictionary<string, List<string>>();
        Collect(input, "", errors);
        if (errors.Count > 0)
        {
            throw new ValidationException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        }
        return input;
    }

    /// <summary>
    /// The object's annotations, then those of the records it holds (an address, each product line), their
    /// errors keyed by path (<c>address.postcode</c>, <c>lines[2].quantity</c>): every problem in one answer.
    /// </summary>
    private static void Collect(object input, string path, Dictionary<string, List<string>> errors)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(input, new ValidationContext(input), results, validateAllProperties: true);
        foreach (var result in results)
        {
            foreach (var member in result.MemberNames.Any() ? result.MemberNames : [""])
            {
                var name = JsonNamingPolicy.CamelCase.ConvertName(member);
                var key = path.Length == 0 ? name : name.Length == 0 ? path : $"{path}.{name}";
                (errors.TryGetValue(key, out var list) ? list : errors[key] = []).Add(result.ErrorMessage ?? "Invalid.");
            }
        }
        foreach (var property in input.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.Name == "EqualityContract")
            {
                continue;
            }
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            var prefix = path.Length == 0 ? name : $"{path}.{name}";
            switch (property.GetValue(input))
            {
                case { } child when RecordFields.IsRecord(child.GetType()):
                    Collect(child, prefix, errors);
                    break;
                case IList items when property.PropertyType.IsGenericType && RecordFields.IsRecord(property.PropertyType.GetGenericArguments()[0]):
                    for (var i = 0; i < items.Count; i++)
                    {
                        // A null in a list of objects (a line, a column) reached the code that reads each one and
                        // failed there as a 500; it is the sender's mistake, named here with the rest.
                        if (items[i] is { } item)
                        {
                            Collect(item, $"{prefix}[{i}]", errors);
                        }
                        else
                        {
                            (errors.TryGetValue($"{prefix}[{i}]", out var list) ? list : errors[$"{prefix}[{i}]"] = []).Add("An object, not null.");
                        }
                    }
                    break;
            }
        }
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
