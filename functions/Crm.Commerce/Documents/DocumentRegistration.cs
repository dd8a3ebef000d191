using Crm.Storage.Records;

namespace Crm.Commerce.Documents;

public static class DocumentRegistration
{
    /// <summary>The template store (its table) and the renderer other features call for their document routes.</summary>
    public static IServiceCollection AddDocuments(this IServiceCollection services)
    {
        services.AddSingleton<DocumentTemplateStore>().AddTable(DocumentTemplateStore.TableName);
        return services.AddSingleton<DocumentRenderer>();
    }
}
