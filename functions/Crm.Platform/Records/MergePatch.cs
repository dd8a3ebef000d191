using System.Text.Json.Nodes;
using Crm.Domain.Common;

namespace Crm.Platform.Records;

/// <summary>
/// JSON Merge Patch (RFC 7386) over a record's editable view: the patched view is read back with
/// the strict rules, so an unknown or mistyped field is a 400 that names it, and validated.
/// </summary>
public static class MergePatch
{
    public static TView Apply<TView>(TView current, JsonObject patch) where TView : notnull
    {
        var target = CrmJson.ToObject(current);
        Merge(target, patch);
        return RequestValidation.Validate(RequestValidation.Bind<TView>(target));
    }

    /// <summary>
    /// A null sets a typed field to null; inside <c>customFields</c>, a free-form object, it removes the
    /// key (RFC 7386), so a cleared custom field leaves no <c>"key": null</c> behind.
    /// </summary>
    private static void Merge(JsonObject target, JsonObject patch, bool nullRemoves = false)
    {
        foreach (var (name, value) in patch)
        {
            if (value is null && nullRemoves)
            {
                target.Remove(name);
            }
            else if (value is null)
            {
                target[name] = null;
            }
            else if (value is JsonObject child && target[name] is JsonObject existing)
            {
                Merge(existing, child, nullRemoves || name == "customFields");
            }
            else
            {
                target[name] = value.DeepClone();
            }
        }
    }
}
