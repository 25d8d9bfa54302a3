using CsvHelper;

namespace DevOpsProvider.Web.Catalog;

/// <summary>A CSV import: a header row of component field names (any order, any case), one component per record.</summary>
public static class CsvImport
{
    public static async Task<ImportFile> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var options = new CsvReaderOptions
        {
            Separator = ',',
            TrackLineNumbers = true,
            // One record larger than a whole description and a few URLs is hostile input, not a component.
            MaxRecordSize = 1024 * 1024,
            // Broken quoting shifts every later field; guessing a repair could store wrong data, so the file is refused.
            MalformedData = CsvMalformedDataHandling.Throw,
        };
        await using var reader = CsvReader.Create(stream, options, leaveOpen: true);
        string[] fields;
        try
        {
            await reader.ReadHeaderAsync(cancellationToken);
            fields = [.. reader.Headers.Select(ColumnField)];
        }
        catch (CsvFormatException e)
        {
            throw new ImportFileException($"the CSV header cannot be read: {e.Message}");
        }

        if (fields.Length == 0 || !fields.Contains("id"))
        {
            throw new ImportFileException("the CSV needs a header row naming the component fields, 'id' among them");
        }

        // A repeated column would leave it to chance which of its two cells is stored (as duplicate JSON keys would).
        if (fields.GroupBy(f => f, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
        {
            throw new ImportFileException($"the CSV column '{repeated.Key}' appears more than once in the header row");
        }

        var items = new List<PositionedInput>();
        try
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var input = new ComponentInput();
                for (var i = 0; i < fields.Length && i < reader.FieldCount; i++)
                {
                    // An empty cell is an absent value: optional fields take their defaults, required ones are reported.
                    var value = reader.GetString(i);
                    input.Set(fields[i], string.IsNullOrEmpty(value) ? null : value);
                }

                items.Add(new PositionedInput((int)reader.LineNumber, input));
            }
        }
        catch (CsvFormatException e)
        {
            throw new ImportFileException($"the CSV cannot be read: {e.Message}");
        }

        return new ImportFile(items, 0, ImportPosition.Line);
    }

    /// <summary>The component field a column names; an unknown column refuses the file, since its data would be silently lost.</summary>
    private static string ColumnField(string header)
    {
        var name = header.Trim();
        return ComponentInput.FieldNames.FirstOrDefault(f => string.Equals(f, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ImportFileException(
                $"the CSV column '{name}' is not a component field (allowed: {string.Join(", ", ComponentInput.FieldNames)})");
    }
}
