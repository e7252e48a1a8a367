/* Simplified definitions of library macros for cppcheck (make lint), which does not
 * read system headers. Only the shape matters: a loop header that assigns the
 * iteration variables from the collection. */
#define json_object_foreach(object, key, value)                                          \
	for (key = json_object_iter_key(json_object_iter(object)),                        \
	    value = json_object_iter_value(json_object_iter(object));                      \
		key; key = 0)
#define json_array_foreach(array, index, value)                                          \
	for (index = 0; index < json_array_size(array) && (value = json_array_get(array, index)); \
		index++)
#define json_object_foreach_safe(object, n, key, value)                                  \
	for (key = json_object_iter_key(json_object_iter(object)),                        \
	    value = json_object_iter_value(json_object_iter(object)), n = 0;               \
		key; key = 0)
