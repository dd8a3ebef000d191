using PdfSharp.Fonts;

namespace Crm.Commerce.Documents;

/// <summary>
/// The one font family documents print in: Noto Sans SC (OFL-1.1), TrueType outlines, which covers Chinese and
/// Latin text alike, so no system font is assumed. npm installs it (package.json) and the build copies it to
/// <c>fonts/</c> beside the assemblies; a developer build made before <c>npm ci</c> finds it in the repository's
/// <c>node_modules</c> instead. PDFsharp's resolver is process-wide and may be set once, hence the static.
/// </summary>
public sealed class DocumentFonts : IFontResolver
{
    public const string Family = "Noto Sans SC";
    private const string Regular = "NotoSansSC_400Regular";
    private const string Bold = "NotoSansSC_700Bold";

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, byte[]> Faces = new(StringComparer.Ordinal);

    private DocumentFonts()
    {
    }

    /// <summary>Makes PDFsharp resolve every family to this font; safe to call from each renderer built in the process.</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is not DocumentFonts)
            {
                GlobalFontSettings.FontResolver = new DocumentFonts();
            }
        }
    }

    public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? Bold : Regular, mustSimulateBold: false, mustSimulateItalic: italic);

    public byte[] GetFont(string faceName)
    {
        lock (Gate)
        {
            if (!Faces.TryGetValue(faceName, out var bytes))
            {
                Faces[faceName] = bytes = File.ReadAllBytes(Find(faceName));
            }
            return bytes;
        }
    }

    private static string Find(string faceName)
    {
        var file = faceName + ".ttf";
        var beside = Path.Combine(AppContext.BaseDirectory, "fonts", file);
        if (File.Exists(beside))
        {
            return beside;
        }
        var weight = faceName == Bold ? "700Bold" : "400Regular";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var installed = Path.Combine(dir.FullName, "node_modules", "@expo-google-fonts", "noto-sans-sc", weight, file);
            if (File.Exists(installed))
            {
                return installed;
            }
        }
        throw new FileNotFoundException(
            $"The document font {file} is not installed: run `npm ci` in the repository (scripts/run.sh and scripts/test.sh do), then build again.", beside);
    }
}
